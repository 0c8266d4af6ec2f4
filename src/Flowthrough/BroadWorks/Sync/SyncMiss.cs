namespace Flowthrough.BroadWorks.Sync;

/// <summary>
/// A synced user that complete runs of its cluster no longer found. It is removed only when <see cref="Misses"/>
/// reaches two: one run that misses a user (a transient AS answer) removes nothing.
/// </summary>
public sealed class SyncMiss
{
    public Guid ClusterId { get; init; }

    public required string UserId { get; init; }

    public int Misses { get; set; }

    public Guid LastRunId { get; set; }
}
