using Flowthrough.BroadWorks.Ocip;
using Flowthrough.Clusters;
using Flowthrough.Data;
using Flowthrough.Subscribers;
using Flowthrough.Templates;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Flowthrough.BroadWorks.Sync;

/// <summary>
/// One sync of one cluster: lists the mapped groups' users over OCI-P, creates and updates the users whose Integrated
/// IM&amp;P is assigned and on through the bridge's own intake (<see cref="SyncApply"/>), and, only when every group
/// was read, counts the rest as missing (<see cref="SyncRemovals"/>). The caller holds the cluster's lease.
/// </summary>
public sealed partial class ClusterSyncRunner(
    IServiceScopeFactory scopes,
    ClusterSessions sessions,
    IOptions<SyncOptions> options,
    TimeProvider time,
    ILogger<ClusterSyncRunner> logger)
{
    private const int MessageLimit = 4000;

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    public async Task<SyncRun> RunAsync(Guid clusterId, string trigger, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FlowthroughDbContext>();
        var cluster = await db.Clusters.AsNoTracking().FirstAsync(c => c.Id == clusterId, cancellationToken);
        var run = new SyncRun { PartnerId = cluster.PartnerId, ClusterId = cluster.Id, Trigger = trigger, Started = Now };
        db.SyncRuns.Add(run);
        await db.SaveChangesAsync(cancellationToken);

        var tally = new SyncTally();
        try
        {
            run.Outcome = await WalkAsync(db, cluster, run, tally, cancellationToken);
        }
        catch (OcipException failure)
        {
            // No login, no AS: the run read nothing it could trust, so it removes nothing.
            run.Outcome = SyncOutcome.Failed;
            tally.Note(failure.Message);
        }

        run.Seen = tally.Seen;
        run.Entitled = tally.Entitled;
        run.Created = tally.Created;
        run.Updated = tally.Updated;
        run.Failed = tally.Failed;
        run.GroupsFailed = tally.GroupsFailed;
        run.Message = tally.Messages(MessageLimit);
        run.Finished = Now;
        db.SyncRuns.Update(run);
        await db.SaveChangesAsync(CancellationToken.None);
        var next = run.Finished.Value.AddMinutes(cluster.SyncIntervalMinutes);
        await db.Clusters.Where(c => c.Id == cluster.Id)
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.NextSyncAt, next), CancellationToken.None);
        LogFinished(logger, cluster.Name, run.Outcome, run.Seen, run.Created, run.Updated, run.Removed, run.Failed,
            run.Duration?.TotalSeconds ?? 0);
        return run;
    }

    private async Task<SyncOutcome> WalkAsync(FlowthroughDbContext db, BroadWorksCluster cluster, SyncRun run, SyncTally tally,
        CancellationToken cancellationToken)
    {
        if (sessions.EndpointOf(cluster, options.Value.RequestTimeout) is not { } endpoint)
        {
            tally.Note(cluster.HasOcip
                ? "The saved OCI-P password cannot be read any more (data-protection keys changed): enter it again."
                : "The cluster has no OCI-P settings.");
            return SyncOutcome.Failed;
        }

        var mappings = await db.ClusterMappings.AsNoTracking().Where(m => m.ClusterId == cluster.Id).ToListAsync(cancellationToken);
        var templateIds = mappings.Select(m => m.TemplateId).Distinct().ToList();
        var templates = await db.Templates.AsNoTracking()
            .Where(t => templateIds.Contains(t.Id) && t.PartnerId == cluster.PartnerId).ToDictionaryAsync(t => t.Id, cancellationToken);
        if (mappings.Count == 0)
        {
            tally.Note("No service provider or group is mapped to a template: nothing to sync.");
            return SyncOutcome.Complete;
        }

        var groups = await GroupsAsync(cluster.Id, endpoint, mappings, templates, tally, cancellationToken);
        run.Groups = groups.Count;
        await Parallel.ForEachAsync(groups,
            new ParallelOptions { MaxDegreeOfParallelism = options.Value.GroupConcurrency, CancellationToken = cancellationToken },
            (group, token) => WalkGroupAsync(cluster.Id, endpoint, run.Id, group, tally, token));

        await using var scope = scopes.CreateAsyncScope();
        var removals = scope.ServiceProvider.GetRequiredService<SyncRemovals>();
        if (tally.GroupsFailed > 0)
        {
            await removals.ClearSeenAsync(cluster.Id, tally, cancellationToken);
            // Every group failed: as good as an AS that cannot be reached.
            return tally.GroupsFailed >= groups.Count ? SyncOutcome.Failed : SyncOutcome.Incomplete;
        }

        run.Removed = await removals.ApplyAsync(cluster, run.Id, SyncScope.Of(groups, mappings), tally, cancellationToken);
        return SyncOutcome.Complete;
    }

    /// <summary>Every mapped group, listing a service provider's groups where a mapping covers all of them.</summary>
    private async Task<List<SyncGroup>> GroupsAsync(Guid clusterId, OcipEndpoint endpoint, List<ClusterMapping> mappings,
        Dictionary<Guid, OnboardingTemplate> templates, SyncTally tally, CancellationToken cancellationToken)
    {
        var found = new List<(string ServiceProvider, string Group)>();
        foreach (var serviceProvider in mappings.Select(m => m.ServiceProviderId).Distinct(StringComparer.Ordinal))
        {
            if (mappings.Any(m => m.ServiceProviderId == serviceProvider && m.GroupId is null))
            {
                using var rental = sessions.Rent(clusterId, endpoint);
                try
                {
                    found.AddRange((await rental.Session.GetGroupsAsync(serviceProvider, cancellationToken))
                        .Select(g => (serviceProvider, g.Id)));
                }
                catch (OcipErrorException error)
                {
                    tally.AddFailedGroup(serviceProvider, error.Message);
                }
                catch (OcipUnavailableException)
                {
                    rental.Broken = true;
                    throw;
                }
            }

            found.AddRange(mappings.Where(m => m.ServiceProviderId == serviceProvider && m.GroupId is not null)
                .Select(m => (serviceProvider, m.GroupId!)));
        }

        return [.. found.Distinct()
            .Select(g => (g, Template: ClusterMappings.TemplateFor(mappings, g.ServiceProvider, g.Group)))
            .Where(g => g.Template is { } id && templates.ContainsKey(id))
            .Select(g => new SyncGroup(g.g.ServiceProvider, g.g.Group, templates[g.Template!.Value]))];
    }

    private async ValueTask WalkGroupAsync(Guid clusterId, OcipEndpoint endpoint, Guid runId, SyncGroup group, SyncTally tally,
        CancellationToken cancellationToken)
    {
        using var rental = sessions.Rent(clusterId, endpoint);
        await using var scope = scopes.CreateAsyncScope();
        var apply = scope.ServiceProvider.GetRequiredService<SyncApply>();
        try
        {
            var users = await rental.Session.GetUsersAsync(group.ServiceProviderId, group.GroupId, cancellationToken);
            tally.AddSeen(users.Count);
            var existing = await apply.ExistingAsync(group, cancellationToken);
            foreach (var chunk in users.Select(u => u.UserId).Chunk(options.Value.UsersPerRequest))
            {
                foreach (var user in await rental.Session.GetImpUsersAsync(chunk, cancellationToken))
                {
                    await apply.ApplyAsync(group, user, existing, Actors.Sync(runId), tally, cancellationToken);
                }
            }
        }
        catch (OcipException failure)
        {
            rental.Broken = failure is OcipUnavailableException;
            tally.AddFailedGroup($"{group.ServiceProviderId}/{group.GroupId}", failure.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "OCI-P sync of {Cluster}: {Outcome}, {Seen} seen, {Created} created, {Updated} updated, {Removed} removed, {Failed} failed in {Seconds:F1} s")]
    private static partial void LogFinished(ILogger logger, string cluster, SyncOutcome outcome, int seen, int created,
        int updated, int removed, int failed, double seconds);
}
