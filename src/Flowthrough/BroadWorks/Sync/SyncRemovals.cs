using Flowthrough.Bridge;
using Flowthrough.Clusters;
using Flowthrough.Data;
using Flowthrough.Subscribers;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.BroadWorks.Sync;

/// <summary>
/// The two-run rule: a subscriber the sync answers for that a complete run did not find entitled is counted as missed;
/// at the second consecutive complete run that misses it, it is removed through the bridge's removal. Finding the user
/// again clears the count; an incomplete run only clears, never counts.
/// </summary>
public sealed class SyncRemovals(FlowthroughDbContext db, SubscriberOperations operations)
{
    public const int MissesBeforeRemoval = 2;

    private const int KeysPerQuery = 200;

    public async Task ClearSeenAsync(Guid clusterId, SyncTally tally, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tally);
        var misses = await db.SyncMisses.Where(m => m.ClusterId == clusterId).ToListAsync(cancellationToken);
        db.SyncMisses.RemoveRange(misses.Where(m => tally.EntitledUsers.ContainsKey(m.UserId)));
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <returns>How many subscribers were removed.</returns>
    public async Task<int> ApplyAsync(BroadWorksCluster cluster, Guid runId, SyncScope scope, SyncTally tally,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(tally);
        var misses = await db.SyncMisses.Where(m => m.ClusterId == cluster.Id)
            .ToDictionaryAsync(m => m.UserId, StringComparer.OrdinalIgnoreCase, cancellationToken);
        var candidates = await CandidatesAsync(cluster.PartnerId, scope, cancellationToken);
        var toRemove = new List<(Guid TemplateId, string UserId)>();
        foreach (var (templateId, userId) in candidates)
        {
            if (tally.EntitledUsers.ContainsKey(userId) || tally.UnknownUsers.ContainsKey(userId))
            {
                continue;
            }

            if (!misses.Remove(userId, out var miss))
            {
                miss = new SyncMiss { ClusterId = cluster.Id, UserId = userId };
                db.SyncMisses.Add(miss);
            }

            miss.Misses++;
            miss.LastRunId = runId;
            if (miss.Misses >= MissesBeforeRemoval)
            {
                toRemove.Add((templateId, userId));
                db.SyncMisses.Remove(miss);
            }
        }

        // What is left was found again, or is no longer a subscriber at all: its count starts over.
        db.SyncMisses.RemoveRange(misses.Values.Where(m => !tally.UnknownUsers.ContainsKey(m.UserId)));
        await db.SaveChangesAsync(cancellationToken);

        var templates = await db.Templates.AsNoTracking().Where(t => t.PartnerId == cluster.PartnerId)
            .ToDictionaryAsync(t => t.Id, cancellationToken);
        var removed = 0;
        foreach (var (templateId, userId) in toRemove)
        {
            var outcome = await BridgeIntake.RemoveAsync(operations, templates[templateId], userId, Actors.Sync(runId),
                cancellationToken);
            if (outcome.Errors is { Count: > 0 } errors)
            {
                tally.AddFailedUser(userId, errors);
            }
            else
            {
                removed++;
            }
        }

        return removed;
    }

    private async Task<List<(Guid TemplateId, string UserId)>> CandidatesAsync(Guid partnerId, SyncScope scope,
        CancellationToken cancellationToken)
    {
        var candidates = new List<(Guid, string)>();
        foreach (var (templateId, keys) in scope.Keys)
        {
            foreach (var chunk in keys.Chunk(KeysPerQuery))
            {
                var userIds = await db.Subscribers.AsNoTracking()
                    .Where(s => s.PartnerId == partnerId && s.TemplateId == templateId && chunk.Contains(s.SpEnterpriseId))
                    .Select(s => s.UserId).ToListAsync(cancellationToken);
                candidates.AddRange(userIds.Select(u => (templateId, u)));
            }
        }

        return candidates;
    }
}
