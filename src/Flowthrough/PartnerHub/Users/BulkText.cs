namespace Flowthrough.PartnerHub;

/// <summary>Names the bulk actions' strings: Resources/PartnerHub.BulkText(.pl).resx.</summary>
public sealed class BulkText;
