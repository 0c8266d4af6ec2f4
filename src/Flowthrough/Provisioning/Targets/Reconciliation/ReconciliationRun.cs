namespace Flowthrough.Provisioning.Targets.Reconciliation;

public enum ReconciliationState
{
    Queued,
    Running,
    Completed,
    Failed,
}

public enum ReconciliationTrigger
{
    /// <summary>An admin pressed "Run reconciliation now".</summary>
    Manual,

    /// <summary>The scheduled job (<see cref="TargetOptions.ReconciliationInterval"/>).</summary>
    Scheduled,
}

/// <summary>
/// One comparison of a template's target with Flowthrough's subscribers of that template. The table is the queue: a
/// queued run (or a running one whose runner died) is taken by the single runner holding <see cref="ReconciliationLease"/>.
/// </summary>
public sealed class ReconciliationRun
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public Guid PartnerId { get; init; }

    public Guid TemplateId { get; init; }

    public ReconciliationTrigger Trigger { get; init; }

    /// <summary>The admin who started it by hand; null for a scheduled run.</summary>
    public Guid? AdminId { get; init; }

    public ReconciliationState State { get; set; } = ReconciliationState.Queued;

    /// <summary>The target's name when the run started, for the list of runs.</summary>
    public string? TargetName { get; set; }

    public DateTime Created { get; init; }

    public DateTime? Started { get; set; }

    public DateTime? Finished { get; set; }

    /// <summary>Customer organisations to list, and listed so far: the progress of a running run.</summary>
    public int OrganizationsTotal { get; set; }

    public int OrganizationsDone { get; set; }

    /// <summary>Users the target listed.</summary>
    public int UsersSeen { get; set; }

    /// <summary>Drift found, not counting items ignored earlier (<see cref="Ignored"/>).</summary>
    public int Missing { get; set; }

    public int Extra { get; set; }

    public int Different { get; set; }

    public int Ignored { get; set; }

    public string? Error { get; set; }

    public bool IsActive => State is ReconciliationState.Queued or ReconciliationState.Running;
}
