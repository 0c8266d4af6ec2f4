using Flowthrough.Templates;

namespace Flowthrough.Clusters;

/// <summary>One BroadWorks XSP farm; the portal checks subscriber passwords against its Xsi-Actions URL.</summary>
public sealed class BroadWorksCluster : ISwitchable
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid PartnerId { get; set; }
    public required string Name { get; set; }
    public required string XsiActionsUrl { get; set; }
    public string? AuthServiceUrl { get; set; }
    public bool DirectAuth { get; set; }

    /// <summary>Switched off by an admin: every template on it takes no new users (see Templates/TemplateAvailability).</summary>
    public bool Disabled { get; set; }
}
