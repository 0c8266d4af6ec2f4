using System.Diagnostics.Metrics;
using Flowthrough.Data;
using Flowthrough.Email;
using Flowthrough.Subscribers;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.Operations;

/// <summary>
/// Gauges read from the database: subscribers by status and the outbox depth. Observable instruments are read
/// synchronously, so the numbers are a snapshot, refreshed (asynchronously) by a scrape when older than
/// <see cref="MaxAge"/>: a scrape never blocks on the database in a callback, and many scrapes cost one query.
/// </summary>
public sealed class OperationalGauges : IDisposable
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(5);

    private readonly IServiceScopeFactory scopes;
    private readonly TimeProvider time;
    private readonly Meter meter;
    private readonly SemaphoreSlim refreshing = new(1, 1);
    private volatile Snapshot current = new([], [], DateTimeOffset.MinValue);

    public OperationalGauges(IServiceScopeFactory scopes, TimeProvider time, IMeterFactory meters)
    {
        this.scopes = scopes;
        this.time = time;
        meter = meters.Create(Telemetry.Name);
        meter.CreateObservableGauge("flowthrough.subscribers", () => current.Subscribers, description: "Subscribers by status.");
        meter.CreateObservableGauge("flowthrough.outbox.depth", () => current.Outbox,
            description: "Outbox messages by status (queued and sending are the depth).");
    }

    private sealed record Snapshot(Measurement<long>[] Subscribers, Measurement<long>[] Outbox, DateTimeOffset At);

    public async Task RefreshIfStaleAsync(CancellationToken cancellationToken)
    {
        if (time.GetUtcNow() - current.At < MaxAge)
        {
            return;
        }

        await refreshing.WaitAsync(cancellationToken);
        try
        {
            if (time.GetUtcNow() - current.At < MaxAge)
            {
                return;
            }

            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<FlowthroughDbContext>();
            var statuses = await db.TemplateStatusCounts.GroupBy(c => c.Status)
                .Select(g => new { g.Key, Count = g.Sum(c => c.Count) }).ToListAsync(cancellationToken);
            var outbox = await db.Outbox.Where(m => m.Status != OutboxStatus.Sent).GroupBy(m => m.Status)
                .Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
            current = new Snapshot(
                [.. Enum.GetValues<SubscriberStatus>().Select(s => new Measurement<long>(
                    statuses.FirstOrDefault(c => c.Key == s)?.Count ?? 0, new KeyValuePair<string, object?>("status", s.ToWire())))],
                [.. Enum.GetValues<OutboxStatus>().Where(s => s != OutboxStatus.Sent).Select(s => new Measurement<long>(
                    outbox.FirstOrDefault(c => c.Key == s)?.Count ?? 0,
                    new KeyValuePair<string, object?>("status", s.ToString().ToLowerInvariant())))],
                time.GetUtcNow());
        }
        finally
        {
            refreshing.Release();
        }
    }

    public void Dispose()
    {
        meter.Dispose();
        refreshing.Dispose();
    }
}
