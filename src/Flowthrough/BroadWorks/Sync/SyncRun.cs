namespace Flowthrough.BroadWorks.Sync;

public enum SyncOutcome
{
    Running,

    /// <summary>Every mapped group was read: removals were applied.</summary>
    Complete,

    /// <summary>The AS answered, but at least one group failed: nothing was removed.</summary>
    Incomplete,

    /// <summary>The AS could not be reached or refused the login: nothing was removed.</summary>
    Failed,
}

/// <summary>One sync of a cluster from its AS over OCI-P: the report Partner Hub shows.</summary>
public sealed class SyncRun
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public Guid PartnerId { get; init; }

    public Guid ClusterId { get; init; }

    /// <summary>"schedule", or the admin who pressed Sync now ("admin:{id}").</summary>
    public required string Trigger { get; init; }

    public DateTime Started { get; init; }

    public DateTime? Finished { get; set; }

    public SyncOutcome Outcome { get; set; } = SyncOutcome.Running;

    public int Groups { get; set; }

    public int GroupsFailed { get; set; }

    /// <summary>Users the AS listed in the mapped groups.</summary>
    public int Seen { get; set; }

    /// <summary>Users with Integrated IM&amp;P assigned and on.</summary>
    public int Entitled { get; set; }

    public int Created { get; set; }

    public int Updated { get; set; }

    public int Removed { get; set; }

    public int Failed { get; set; }

    /// <summary>Why the run is incomplete or failed, and the first failures, in English as the AS said it.</summary>
    public string? Message { get; set; }

    public TimeSpan? Duration => Finished - Started;
}
