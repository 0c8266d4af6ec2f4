using Flowthrough.Data;
using Flowthrough.Email;
using Flowthrough.Subscribers;
using Microsoft.EntityFrameworkCore;
using Prometheus;

namespace Flowthrough.Operations;

/// <summary>/healthz for load balancers and /metrics for Prometheus.</summary>
public static class OperationsEndpoints
{
    private static readonly Gauge SubscribersByStatus = Metrics.CreateGauge(
        "flowthrough_subscribers", "Subscribers by status.", "status");

    private static readonly Gauge OutboxDepth = Metrics.CreateGauge(
        "flowthrough_outbox_depth", "Outbox messages by status (queued and sending are the depth).", "status");

    public static IServiceCollection AddOperations(this IServiceCollection services)
    {
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");
        return services;
    }

    public static IEndpointRouteBuilder MapOperations(this IEndpointRouteBuilder routes)
    {
        routes.MapHealthChecks("/healthz");
        var services = routes.ServiceProvider;
        Metrics.DefaultRegistry.AddBeforeCollectCallback(async cancellationToken =>
        {
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<FlowthroughDbContext>();
            var statuses = await db.TemplateStatusCounts.GroupBy(c => c.Status)
                .Select(g => new { g.Key, Count = g.Sum(c => c.Count) }).ToListAsync(cancellationToken);
            foreach (var status in Enum.GetValues<SubscriberStatus>())
            {
                SubscribersByStatus.WithLabels(status.ToWire())
                    .Set(statuses.FirstOrDefault(s => s.Key == status)?.Count ?? 0);
            }

            var outbox = await db.Outbox.Where(m => m.Status != OutboxStatus.Sent).GroupBy(m => m.Status)
                .Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
            foreach (var status in Enum.GetValues<OutboxStatus>().Where(s => s != OutboxStatus.Sent))
            {
                OutboxDepth.WithLabels(status.ToString().ToLowerInvariant())
                    .Set(outbox.FirstOrDefault(s => s.Key == status)?.Count ?? 0);
            }
        });
        routes.MapMetrics("/metrics");
        return routes;
    }

    private sealed class DatabaseHealthCheck(FlowthroughDbContext db)
        : Microsoft.Extensions.Diagnostics.HealthChecks.IHealthCheck
    {
        public async Task<Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult> CheckHealthAsync(
            Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckContext context,
            CancellationToken cancellationToken = default) =>
            await db.Database.CanConnectAsync(cancellationToken)
                ? Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Healthy()
                : Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Unhealthy("The database is unreachable.");
    }
}
