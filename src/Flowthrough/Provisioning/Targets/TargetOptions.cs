using System.ComponentModel.DataAnnotations;

namespace Flowthrough.Provisioning.Targets;

/// <summary>The circuit breaker every provisioning target gets (per target, per node).</summary>
public sealed class TargetOptions
{
    public const string Section = "Targets";

    /// <summary>Share of failed calls (5xx, 429, timeouts) in the sampling window that opens the breaker.</summary>
    [Range(0.01, 1.0)]
    public double BreakerFailureRatio { get; set; } = 0.5;

    [Range(2, 10000)]
    public int BreakerMinimumThroughput { get; set; } = 10;

    [Range(typeof(TimeSpan), "00:00:00.500", "01:00:00")]
    public TimeSpan BreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an open breaker refuses calls before one trial call may close it again.</summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "01:00:00")]
    public TimeSpan BreakerBreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Removals (Delete User) tried before they are given up and left for reconciliation to report.</summary>
    [Range(1, 100)]
    public int RemovalMaxAttempts { get; set; } = 10;

    /// <summary>How often reconciliation runs on its own for every template with a SCIM target (0 = only by hand).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "30.00:00:00")]
    public TimeSpan ReconciliationInterval { get; set; } = TimeSpan.FromHours(24);
}
