using Flowthrough.Data;
using Flowthrough.Email;
using Flowthrough.Provisioning.Targets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Flowthrough.Operations;

/// <summary>
/// What <c>/healthz/ready</c> checks. Only an unreachable database makes the node unready (503): without it nothing
/// can be accepted. An open target breaker or an old relay backlog is Degraded: the node still accepts work safely
/// and keeps it, but an operator should look.
/// </summary>
public static class ReadinessChecks
{
    public const string Tag = "ready";

    /// <summary>A queued message older than this makes the relay Degraded (mail server down or too slow).</summary>
    public static readonly TimeSpan RelayBacklogAge = TimeSpan.FromMinutes(10);

    public static IHealthChecksBuilder AddReadinessChecks(this IHealthChecksBuilder builder) => builder
        .AddCheck<DatabaseCheck>("database", tags: [Tag])
        .AddCheck<TargetBreakersCheck>("target-breakers", tags: [Tag])
        .AddCheck<RelayBacklogCheck>("relay-backlog", tags: [Tag]);

    private sealed class DatabaseCheck(FlowthroughDbContext db) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            await db.Database.CanConnectAsync(cancellationToken)
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy("The database is unreachable.");
    }

    private sealed class TargetBreakersCheck(TargetGates gates) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            var open = gates.NotClosed();
            return Task.FromResult(open.Count == 0
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Degraded($"{open.Count} provisioning target(s) have an open circuit breaker on this node.",
                    data: new Dictionary<string, object> { ["targets"] = open.Select(id => id.ToString()).ToArray() }));
        }
    }

    private sealed class RelayBacklogCheck(FlowthroughDbContext db, TimeProvider time) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            var cutoff = time.GetUtcNow().UtcDateTime - RelayBacklogAge;
            var waiting = db.Outbox.Where(m => m.Status == OutboxStatus.Queued || m.Status == OutboxStatus.Sending);
            var old = await waiting.CountAsync(m => m.Created < cutoff, cancellationToken);
            var data = new Dictionary<string, object> { ["queued"] = await waiting.CountAsync(cancellationToken), ["olderThan10Minutes"] = old };
            return old == 0
                ? HealthCheckResult.Healthy(data: data)
                : HealthCheckResult.Degraded($"{old} email(s) have waited more than {RelayBacklogAge.TotalMinutes:0} minutes.", data: data);
        }
    }
}
