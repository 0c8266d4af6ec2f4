namespace Flowthrough.Provisioning.Targets;

/// <summary>
/// A user Delete User (or a flow-through removal) took away, still to be deactivated or deleted in the target.
/// Written in the removal's transaction, so the subscriber row can go at once while the target is called later,
/// retried, by <see cref="TargetRemovalWorker"/>: no request waits on the target.
/// </summary>
public sealed class TargetRemoval
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid PartnerId { get; set; }

    /// <summary>The target the user was provisioned into; null = the built-in directory.</summary>
    public Guid? TargetId { get; set; }

    public Guid SubscriberId { get; set; }
    public Guid OrganizationId { get; set; }
    public required string SpEnterpriseId { get; set; }
    public required string OrganizationName { get; set; }
    public required string TargetUserId { get; set; }
    public int Attempts { get; set; }

    /// <summary>Null once given up after the last attempt (LastError says why).</summary>
    public DateTime? NextAttemptAt { get; set; }

    public DateTime? LeaseUntil { get; set; }
    public string? LastError { get; set; }
    public DateTime Created { get; set; }
}
