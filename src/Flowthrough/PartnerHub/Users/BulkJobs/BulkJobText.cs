#pragma warning disable IDE0130 // The namespace names the resource: Resources/PartnerHub.BulkJobText(.pl).resx.
namespace Flowthrough.PartnerHub;
#pragma warning restore IDE0130

/// <summary>Names the bulk jobs' strings: Resources/PartnerHub.BulkJobText(.pl).resx.</summary>
public sealed class BulkJobText;
