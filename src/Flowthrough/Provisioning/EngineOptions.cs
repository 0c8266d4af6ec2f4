using System.ComponentModel.DataAnnotations;

namespace Flowthrough.Provisioning;

public sealed class EngineOptions
{
    public const string Section = "Engine";

    /// <summary>Concurrent claim loops on this node (0 turns the engine off, e.g. for an API-only node).</summary>
    [Range(0, 64)]
    public int Workers { get; set; } = 2;

    /// <summary>Subscribers claimed per batch; larger batches cost fewer commits per subscriber (README "Engine: where the time went").</summary>
    [Range(1, 5000)]
    public int BatchSize { get; set; } = 500;

    /// <summary>Attempts before a transient failure becomes an error.</summary>
    /// <summary>Rows of a bulk job applied and committed per transaction (with the job's progress).</summary>
    [Range(1, 5000)]
    public int BulkJobChunkSize { get; set; } = 500;

    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 8;

    /// <summary>How often an idle worker looks for work committed by another node.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a claim lasts; a worker that dies loses its claim when it expires.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>First retry delay; each later one doubles, with ±20% jitter, up to <see cref="RetryMaxDelay"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(10);

    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromHours(1);
}
