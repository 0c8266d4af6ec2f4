using Flowthrough.Clusters;
using Flowthrough.Data;
using Flowthrough.Subscribers;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.Templates;

/// <summary>What goes when a template is deleted: its subscribers.</summary>
public sealed record TemplateFootprint(Guid Id, string Name, int Subscribers);

/// <summary>What goes when a cluster is deleted: its templates and their subscribers.</summary>
public sealed record ClusterFootprint(Guid Id, string Name, IReadOnlyList<TemplateFootprint> Templates)
{
    public int Subscribers => Templates.Sum(t => t.Subscribers);
}

/// <summary>
/// Disabling and deleting templates and clusters. Disabling only flips the flag whose meaning
/// <see cref="TemplateAvailability"/> holds. Deleting closes the template first (no new user arrives meanwhile), then
/// removes its subscribers through <see cref="SubscriberOperations"/> exactly as Delete User does, then the template;
/// a cluster goes template by template. Customer organisations and people stay. Callers add their audit row through
/// <c>alongside</c>, saved with the final change.
/// </summary>
public sealed class TemplateLifecycle(FlowthroughDbContext db, SubscriberOperations operations)
{
    private const int Batch = 500;

    public async Task<TemplateFootprint?> TemplateFootprintAsync(Guid partnerId, Guid templateId,
        CancellationToken cancellationToken) =>
        (await FootprintsAsync(db.Templates.Where(t => t.PartnerId == partnerId && t.Id == templateId), cancellationToken))
        .SingleOrDefault();

    public async Task<ClusterFootprint?> ClusterFootprintAsync(Guid partnerId, Guid clusterId, CancellationToken cancellationToken)
    {
        var cluster = await db.Clusters.AsNoTracking().FirstOrDefaultAsync(c => c.Id == clusterId && c.PartnerId == partnerId,
            cancellationToken);
        return cluster is null
            ? null
            : new ClusterFootprint(cluster.Id, cluster.Name,
                await FootprintsAsync(db.Templates.Where(t => t.PartnerId == partnerId && t.ClusterId == clusterId), cancellationToken));
    }

    private async Task<IReadOnlyList<TemplateFootprint>> FootprintsAsync(IQueryable<OnboardingTemplate> templates,
        CancellationToken cancellationToken) =>
        await templates.AsNoTracking().OrderBy(t => t.Name)
            .Select(t => new TemplateFootprint(t.Id, t.Name, db.Subscribers.Count(s => s.TemplateId == t.Id)))
            .ToListAsync(cancellationToken);

    public Task<OnboardingTemplate?> SetTemplateDisabledAsync(Guid partnerId, Guid templateId, bool disabled,
        Action<FlowthroughDbContext, OnboardingTemplate>? alongside, CancellationToken cancellationToken) =>
        SetDisabledAsync(partnerId, templateId, disabled, alongside, cancellationToken);

    public Task<BroadWorksCluster?> SetClusterDisabledAsync(Guid partnerId, Guid clusterId, bool disabled,
        Action<FlowthroughDbContext, BroadWorksCluster>? alongside, CancellationToken cancellationToken) =>
        SetDisabledAsync(partnerId, clusterId, disabled, alongside, cancellationToken);

    /// <summary>Flips the flag of the partner's template or cluster; null when it has none with that id.</summary>
    public async Task<T?> SetDisabledAsync<T>(Guid partnerId, Guid id, bool disabled,
        Action<FlowthroughDbContext, T>? alongside, CancellationToken cancellationToken)
        where T : class, ISwitchable
    {
        db.ChangeTracker.Clear();
        var item = await db.Set<T>().FirstOrDefaultAsync(x => x.Id == id && x.PartnerId == partnerId, cancellationToken);
        if (item is not null && item.Disabled != disabled)
        {
            item.Disabled = disabled;
            alongside?.Invoke(db, item);
            await db.SaveChangesAsync(cancellationToken);
        }

        return item;
    }

    /// <summary>Deletes the template and its subscribers; null when there is no such template. Returns the subscribers removed.</summary>
    public async Task<int?> DeleteTemplateAsync(Guid partnerId, Guid templateId, string actor,
        Action<FlowthroughDbContext>? alongside, CancellationToken cancellationToken)
    {
        if (await SetTemplateDisabledAsync(partnerId, templateId, true, null, cancellationToken) is null)
        {
            return null;
        }

        var removed = await RemoveSubscribersAsync(templateId, actor, cancellationToken);
        db.ChangeTracker.Clear();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.TemplateStatusCounts.Where(c => c.TemplateId == templateId).ExecuteDeleteAsync(cancellationToken);
        // Its OCI-P group mappings go with it (the foreign key refuses to leave them pointing nowhere): the admin
        // confirmed the deletion, and the sync then no longer reads those groups.
        await db.ClusterMappings.Where(m => m.TemplateId == templateId).ExecuteDeleteAsync(cancellationToken);
        await db.Templates.Where(t => t.Id == templateId).ExecuteDeleteAsync(cancellationToken);
        alongside?.Invoke(db);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        // ExecuteDelete bypasses the change tracker, so cached copies are dropped here.
        TemplateAvailability.Changed();
        return removed;
    }

    /// <summary>Deletes the cluster with its templates and their subscribers; null when there is no such cluster.</summary>
    public async Task<(int Templates, int Subscribers)?> DeleteClusterAsync(Guid partnerId, Guid clusterId, string actor,
        Action<FlowthroughDbContext>? alongside, CancellationToken cancellationToken)
    {
        if (await SetClusterDisabledAsync(partnerId, clusterId, true, null, cancellationToken) is null)
        {
            return null;
        }

        var templateIds = await db.Templates.AsNoTracking().Where(t => t.ClusterId == clusterId).Select(t => t.Id)
            .ToListAsync(cancellationToken);
        var subscribers = 0;
        foreach (var templateId in templateIds)
        {
            subscribers += await DeleteTemplateAsync(partnerId, templateId, actor, null, cancellationToken) ?? 0;
        }

        db.ChangeTracker.Clear();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Clusters.Where(c => c.Id == clusterId).ExecuteDeleteAsync(cancellationToken);
        alongside?.Invoke(db);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (templateIds.Count, subscribers);
    }

    /// <summary>Removes the template's subscribers a batch at a time, through the same operation as Delete User.</summary>
    private async Task<int> RemoveSubscribersAsync(Guid templateId, string actor, CancellationToken cancellationToken)
    {
        var removed = 0;
        while (true)
        {
            var ids = await db.Subscribers.AsNoTracking().Where(s => s.TemplateId == templateId).OrderBy(s => s.Seq)
                .Select(s => s.Id).Take(Batch).ToListAsync(cancellationToken);
            if (ids.Count == 0)
            {
                return removed;
            }

            var done = (await operations.RemoveManyAsync(ids, actor, cancellationToken)).Count(r => r.Kind == OutcomeKind.Done);
            if (done == 0)
            {
                // Nothing could be removed in a whole pass (every row kept losing races): stop rather than spin.
                throw new InvalidOperationException($"The subscribers of template {templateId} could not be removed.");
            }

            removed += done;
        }
    }
}
