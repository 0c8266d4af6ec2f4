using Flowthrough.Data;
using Flowthrough.Provisioning.Targets.Reconciliation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Flowthrough.BroadWorks.Sync;

/// <summary>
/// Runs each cluster's sync when it is due (<see cref="Clusters.BroadWorksCluster.NextSyncAt"/>; "Sync now" sets it to
/// now). Every node runs this worker; a cluster's lease lets exactly one of them sync it at a time, and a node that dies
/// mid-run leaves a lease that expires, so another node takes the cluster over.
/// </summary>
public sealed partial class SyncWorker(
    IServiceScopeFactory scopes,
    ClusterSyncRunner runner,
    IOptions<SyncOptions> options,
    TimeProvider time,
    ILogger<SyncWorker> logger) : BackgroundService
{
    private readonly string owner = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    public static string LeaseName(Guid clusterId) => $"ocip-sync:{clusterId}";

    /// <summary>The admin audit action of Sync now; the run it makes due is reported as started by that admin.</summary>
    public const string SyncNowAction = "cluster.sync-now";

    public const string ScheduleTrigger = "schedule";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                foreach (var clusterId in await DueAsync(stoppingToken))
                {
                    await SyncIfFreeAsync(clusterId, await TriggerOfAsync(clusterId, stoppingToken), stoppingToken);
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogFailed(logger, exception);
            }

            await Task.Delay(options.Value.PollInterval, time, stoppingToken);
        }
    }

    /// <summary>Syncs the cluster unless another node is syncing it; null when it was busy.</summary>
    public async Task<SyncRun?> SyncIfFreeAsync(Guid clusterId, string trigger, CancellationToken cancellationToken)
    {
        var lease = new RunnerLease(owner, options.Value.LeaseDuration, time, LeaseName(clusterId));
        await using (var scope = scopes.CreateAsyncScope())
        {
            if (!await lease.TakeAsync(scope.ServiceProvider.GetRequiredService<FlowthroughDbContext>(), cancellationToken))
            {
                return null;
            }
        }

        using var running = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var renewing = RenewAsync(lease, running);
        try
        {
            return await runner.RunAsync(clusterId, trigger, running.Token);
        }
        finally
        {
            await running.CancelAsync();
            await renewing;
            await using var scope = scopes.CreateAsyncScope();
            await lease.ReleaseAsync(scope.ServiceProvider.GetRequiredService<FlowthroughDbContext>(), CancellationToken.None);
        }
    }

    private async Task<List<Guid>> DueAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FlowthroughDbContext>();
        var now = time.GetUtcNow().UtcDateTime;
        return await db.Clusters.AsNoTracking()
            .Where(c => c.OcipHost != null && c.OcipUserId != null && c.OcipPasswordProtected != null && !c.Disabled
                && (c.NextSyncAt == null || c.NextSyncAt <= now))
            .OrderBy(c => c.NextSyncAt).Select(c => c.Id).ToListAsync(cancellationToken);
    }

    /// <summary>
    /// "admin:{id}" when an admin pressed Sync now since the cluster's last run started (Sync now only makes the cluster
    /// due, so the audit row says who asked), else the schedule.
    /// </summary>
    internal async Task<string> TriggerOfAsync(Guid clusterId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FlowthroughDbContext>();
        var lastStarted = await db.SyncRuns.AsNoTracking().Where(r => r.ClusterId == clusterId)
            .OrderByDescending(r => r.Started).Select(r => (DateTime?)r.Started).FirstOrDefaultAsync(cancellationToken);
        var target = clusterId.ToString();
        var asked = await db.AdminAuditEvents.AsNoTracking()
            .Where(e => e.Action == SyncNowAction && e.Target == target && (lastStarted == null || e.At >= lastStarted))
            .OrderByDescending(e => e.At).Select(e => e.AdminId).FirstOrDefaultAsync(cancellationToken);
        return asked is { } adminId ? Subscribers.Actors.Admin(adminId) : ScheduleTrigger;
    }

    /// <summary>Keeps the lease while the run goes on; losing it (a stalled node) stops the run.</summary>
    private async Task RenewAsync(RunnerLease lease, CancellationTokenSource running)
    {
        try
        {
            while (true)
            {
                await Task.Delay(options.Value.LeaseDuration / 3, time, running.Token);
                await using var scope = scopes.CreateAsyncScope();
                if (!await lease.RenewAsync(scope.ServiceProvider.GetRequiredService<FlowthroughDbContext>(), running.Token))
                {
                    await running.CancelAsync();
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The run finished (or the app stops).
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "OCI-P sync pass failed; the next pass tries again")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}

public static class SyncServiceCollectionExtensions
{
    public static IServiceCollection AddBroadWorksSync(this IServiceCollection services)
    {
        services.AddOptions<SyncOptions>().BindConfiguration(SyncOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<Clusters.ClusterSessions>();
        services.AddSingleton<ClusterSyncRunner>();
        services.AddScoped<SyncApply>();
        services.AddScoped<SyncRemovals>();
        services.AddSingleton<SyncWorker>();
        services.AddHostedService(provider => provider.GetRequiredService<SyncWorker>());
        return services;
    }
}
