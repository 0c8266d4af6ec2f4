using Flowthrough.Subscribers;

namespace Flowthrough.PartnerHub.Users.BulkJobs;

public enum BulkJobStatus
{
    Queued,
    Running,

    /// <summary>The admin asked to stop: the worker stops after the chunk it is on.</summary>
    Cancelling,
    Cancelled,
    Completed,
    Failed,
}

/// <summary>
/// A bulk action on many User Status rows, run in the background by the engine's workers (<see cref="BulkJobRunner"/>).
/// The table is the queue: a job that is not finished and not leased by a live worker is claimed by the next one, and
/// resumes after <see cref="LastSeq"/>, the keyset cursor committed with each chunk's changes in one transaction, so
/// a restart never applies the action twice to a row.
/// </summary>
public sealed class BulkJob
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public Guid PartnerId { get; init; }

    public Guid TemplateId { get; init; }

    /// <summary>The admin who started it: the actor on every subscriber's timeline.</summary>
    public Guid AdminId { get; init; }

    public BulkAction Action { get; init; }

    /// <summary>Change Package Type: the package to set.</summary>
    public SubscriberPackage? Package { get; init; }

    /// <summary>Which rows and, for Retry Activation, the emails the admin typed, as JSON (<see cref="BulkTargets"/>).</summary>
    public required string Targets { get; init; }

    /// <summary>Rows that arrive after the start (a higher Seq) are not part of what the admin confirmed.</summary>
    public long MaxSeq { get; init; }

    /// <summary>The last row handled, committed with the chunk's changes.</summary>
    public long LastSeq { get; set; }

    public BulkJobStatus Status { get; set; } = BulkJobStatus.Queued;

    /// <summary>Rows matching when the job started.</summary>
    public int Total { get; set; }

    public int Done { get; set; }

    public int Skipped { get; set; }

    public int Failed { get; set; }

    /// <summary>Why rows were skipped or failed, with a few example user IDs each (<see cref="BulkReport"/>, bounded).</summary>
    public string Report { get; set; } = "[]";

    /// <summary>The worker holding the job; another may claim it once <see cref="LeaseUntil"/> has passed.</summary>
    public string? LeaseOwner { get; set; }

    public DateTime? LeaseUntil { get; set; }

    /// <summary>Failed attempts in a row (an unexpected error); the job fails after <see cref="BulkJobRunner.MaxAttempts"/>.</summary>
    public int Attempts { get; set; }

    public string? Error { get; set; }

    public DateTime Created { get; init; }

    public DateTime? Started { get; set; }

    public DateTime? Finished { get; set; }

    public bool IsActive => Status is BulkJobStatus.Queued or BulkJobStatus.Running or BulkJobStatus.Cancelling;

    public int Processed => Done + Skipped + Failed;
}

/// <summary>The three bulk actions of User Status; the wire names are the bulk form's values.</summary>
public enum BulkAction
{
    Retry,
    Package,
    Delete,
}
