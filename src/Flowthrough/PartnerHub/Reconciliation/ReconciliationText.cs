#pragma warning disable IDE0130 // The namespace names the resource: Resources/PartnerHub.ReconciliationText(.pl).resx.
namespace Flowthrough.PartnerHub;
#pragma warning restore IDE0130

/// <summary>Names the reconciliation page's strings: Resources/PartnerHub.ReconciliationText(.pl).resx.</summary>
public sealed class ReconciliationText;
