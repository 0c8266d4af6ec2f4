#pragma warning disable IDE0130 // The namespace names the resource: Resources/PartnerHub.DashboardText(.pl).resx.
namespace Flowthrough.PartnerHub;
#pragma warning restore IDE0130

/// <summary>Names the dashboard's chart and table strings: Resources/PartnerHub.DashboardText(.pl).resx.</summary>
public sealed class DashboardText;
