namespace Flowthrough.PartnerHub;

/// <summary>Names the strings of disabling and deleting templates and clusters: Resources/PartnerHub.LifecycleText(.pl).resx.</summary>
public sealed class LifecycleText;
