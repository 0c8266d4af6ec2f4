namespace Flowthrough.PartnerHub;

/// <summary>Names the strings of the subscriber detail and dashboard pages: Resources/PartnerHub.DetailText(.pl).resx.</summary>
public sealed class DetailText;
