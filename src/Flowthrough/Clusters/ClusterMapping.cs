namespace Flowthrough.Clusters;

/// <summary>
/// Which template the users of a service provider (or enterprise) and group on this cluster are synced into. A null
/// <see cref="GroupId"/> maps every group of the service provider; a mapping that names the group wins over it.
/// </summary>
public sealed class ClusterMapping
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public Guid ClusterId { get; init; }

    public required string ServiceProviderId { get; set; }

    public string? GroupId { get; set; }

    public Guid TemplateId { get; set; }
}
