namespace Flowthrough.PartnerHub;

/// <summary>Names Partner Hub's shared strings: Resources/PartnerHub.HubText(.pl).resx (labels from GLOSSARY.md).</summary>
public sealed class HubText;
