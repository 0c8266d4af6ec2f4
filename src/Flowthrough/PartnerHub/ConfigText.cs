namespace Flowthrough.PartnerHub;

/// <summary>
/// Names the strings of Partner Hub's configuration pages (template form, clusters, API tokens):
/// Resources/PartnerHub.ConfigText(.pl).resx. Field labels shared with the read-only pages stay in <see cref="HubText"/>.
/// </summary>
public sealed class ConfigText;
