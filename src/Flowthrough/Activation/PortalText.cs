namespace Flowthrough.Activation;

/// <summary>Names the portal's string resources: Resources/Activation.PortalText.resx (en) and .pl.resx.</summary>
public sealed class PortalText;
