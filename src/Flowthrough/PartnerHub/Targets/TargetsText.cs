#pragma warning disable IDE0130 // The namespace names the resource: Resources/PartnerHub.TargetsText(.pl).resx.
namespace Flowthrough.PartnerHub;
#pragma warning restore IDE0130

/// <summary>Names the strings of Settings → Provisioning targets and of the target shown on a template: Resources/PartnerHub.TargetsText(.pl).resx.</summary>
public sealed class TargetsText;
