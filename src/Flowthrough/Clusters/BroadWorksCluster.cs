namespace Flowthrough.Clusters;

/// <summary>One BroadWorks XSP farm; the portal checks subscriber passwords against its Xsi-Actions URL.</summary>
public sealed class BroadWorksCluster
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid PartnerId { get; set; }
    public required string Name { get; set; }
    public required string XsiActionsUrl { get; set; }
    public string? AuthServiceUrl { get; set; }
    public bool DirectAuth { get; set; }
}
