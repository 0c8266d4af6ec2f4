using System.ComponentModel.DataAnnotations;

namespace Flowthrough.BroadWorks.Sync;

/// <summary>The OCI-P sync (configuration section <c>Sync</c>); the interval itself is each cluster's setting.</summary>
public sealed class SyncOptions
{
    public const string Section = "Sync";

    /// <summary>Off: no node runs scheduled syncs (the portal's live entitlement check still uses OCI-P).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often a node looks for clusters whose sync is due.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Groups read at once, each over its own OCI-P session.</summary>
    [Range(1, 16)]
    public int GroupConcurrency { get; set; } = 4;

    /// <summary>
    /// Users whose services and details go in one OCI-P document (three commands each): an AS takes at most 15
    /// commands in one document, so five users fill it.
    /// </summary>
    [Range(1, 5)]
    public int UsersPerRequest { get; set; } = 5;

    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a node holds a cluster's sync before it must renew; a dead node's run is taken over after it.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(2);
}
