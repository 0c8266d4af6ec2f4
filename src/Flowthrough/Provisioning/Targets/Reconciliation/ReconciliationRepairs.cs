using System.Text.Json;
using Flowthrough.Data;
using Flowthrough.Partners;
using Flowthrough.Subscribers;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.Provisioning.Targets.Reconciliation;

public enum RepairAction
{
    /// <summary>Missing, Different: the subscriber goes back through the engine, which writes its user again.</summary>
    Repush,

    /// <summary>Extra: the subscriber whose email is the user's name is re-pushed, and the engine links the user by name.</summary>
    Adopt,

    /// <summary>Any item: marked ignored, and later runs record it as ignored instead of listing it again.</summary>
    Ignore,
}

public enum RepairResult
{
    Done,
    NotFound,

    /// <summary>The action is not one this item offers (or the item is resolved already).</summary>
    NotOffered,

    /// <summary>The subscriber is with the engine already (provisioning or updating): nothing to add.</summary>
    AlreadyWithEngine,

    /// <summary>The subscriber's status allows no re-push (e.g. waiting for an email that is not verified).</summary>
    NotAllowed,

    /// <summary>The subscriber was deleted since the run.</summary>
    SubscriberGone,

    Conflict,
}

/// <summary>What a repair did; <see cref="Status"/> is the subscriber's status when it was not re-pushed.</summary>
public sealed record RepairOutcome(RepairResult Result, ReconciliationItem? Item = null, SubscriberStatus? Status = null);

/// <summary>Re-push all: how many subscribers went back to the engine, and how many could not.</summary>
public sealed record RepushAllOutcome(int Done, int NotDone);

/// <summary>The admin repairing, for the timelines and the audit log.</summary>
public sealed record RepairAdmin(Guid PartnerId, Guid AdminId)
{
    public string Actor => Actors.Admin(AdminId);
}

/// <summary>
/// The repair actions of a reconciliation item. Subscriber changes go through <see cref="SubscriberOperations"/>;
/// the item's resolution and the admin audit row are saved in the same transaction as the change.
/// </summary>
public sealed class ReconciliationRepairs(FlowthroughDbContext db, SubscriberOperations operations, TimeProvider time)
{
    public const string AuditRun = "reconciliation_run";
    public const string AuditRepush = "reconciliation_repush";
    public const string AuditAdopt = "reconciliation_adopt";
    public const string AuditIgnore = "reconciliation_ignore";
    public const string AuditRepushAll = "reconciliation_repush_all";

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    /// <summary>Whether the item offers the action: the page shows only those buttons, and a post of another is refused.</summary>
    public static bool Offers(ReconciliationItem item, RepairAction action)
    {
        ArgumentNullException.ThrowIfNull(item);
        return item.Resolution == DriftResolution.Open && action switch
        {
            RepairAction.Repush => item.Kind is DriftKind.Missing or DriftKind.Different && item.SubscriberId is not null,
            RepairAction.Adopt => item.Kind == DriftKind.Extra && item.SubscriberId is not null,
            _ => true,
        };
    }

    /// <summary>The template's items, whatever run: another partner's or template's item is not found.</summary>
    public IQueryable<ReconciliationItem> Items(Guid partnerId, Guid templateId) =>
        from item in db.ReconciliationItems
        join run in db.ReconciliationRuns on item.RunId equals run.Id
        where run.PartnerId == partnerId && run.TemplateId == templateId
        select item;

    public async Task<RepairOutcome> RepairAsync(RepairAdmin admin, Guid templateId, Guid itemId, RepairAction action,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(admin);
        var item = await Items(admin.PartnerId, templateId).AsNoTracking().FirstOrDefaultAsync(i => i.Id == itemId, cancellationToken);
        if (item is null)
        {
            return new RepairOutcome(RepairResult.NotFound);
        }

        if (!Offers(item, action))
        {
            return new RepairOutcome(RepairResult.NotOffered, item);
        }

        if (action == RepairAction.Ignore)
        {
            await IgnoreAsync(admin, templateId, item, cancellationToken);
            return new RepairOutcome(RepairResult.Done, item);
        }

        var resolution = action == RepairAction.Adopt ? DriftResolution.Adopted : DriftResolution.Repushed;
        var outcome = await operations.RepushAsync(SubscriberOperations.ById(admin.PartnerId, item.SubscriberId!.Value, templateId),
            admin.Actor, Reason(item), (context, subscriber) =>
            {
                Resolve(context, item, resolution, admin);
                Audit(context, admin, action == RepairAction.Adopt ? AuditAdopt : AuditRepush, $"subscriber:{subscriber.Id}",
                    new { item = item.Id, run = item.RunId, kind = Wire(item.Kind), targetUserId = item.TargetUserId, userId = subscriber.UserId });
            }, cancellationToken);
        return outcome.Kind switch
        {
            OutcomeKind.Done => new RepairOutcome(RepairResult.Done, item, outcome.Subscriber?.Status),
            OutcomeKind.Unchanged => new RepairOutcome(RepairResult.AlreadyWithEngine, item, outcome.Subscriber?.Status),
            OutcomeKind.NotFound => new RepairOutcome(RepairResult.SubscriberGone, item),
            OutcomeKind.Conflict => new RepairOutcome(RepairResult.Conflict, item),
            _ => new RepairOutcome(RepairResult.NotAllowed, item, outcome.Subscriber?.Status),
        };
    }

    /// <summary>Re-push of every open Missing and Different item of the run that has a subscriber.</summary>
    public async Task<RepushAllOutcome?> RepushAllAsync(RepairAdmin admin, Guid templateId, Guid runId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(admin);
        if (!await db.ReconciliationRuns.AnyAsync(r => r.Id == runId && r.PartnerId == admin.PartnerId && r.TemplateId == templateId,
                cancellationToken))
        {
            return null;
        }

        var open = OpenRepushable(runId);
        var ids = await open.Select(i => i.SubscriberId!.Value).Distinct().ToListAsync(cancellationToken);
        // The run's items are this template's, but the ids are checked again: only the template's subscribers are touched.
        var mine = await db.Subscribers.AsNoTracking()
            .Where(s => s.PartnerId == admin.PartnerId && s.TemplateId == templateId && ids.Contains(s.Id))
            .Select(s => s.Id).ToListAsync(cancellationToken);
        var results = await operations.RepushManyAsync(mine, admin.Actor, new { reconciliation = "repush_all", run = runId },
            cancellationToken);
        var done = results.Where(r => r.Kind == OutcomeKind.Done).Select(r => r.Id).ToList();
        var now = Now;
        foreach (var chunk in done.Chunk(500))
        {
            await OpenRepushable(runId).Where(i => chunk.Contains(i.SubscriberId!.Value))
                .ExecuteUpdateAsync(u => u.SetProperty(i => i.Resolution, DriftResolution.Repushed)
                    .SetProperty(i => i.ResolvedAt, now).SetProperty(i => i.ResolvedBy, admin.AdminId), cancellationToken);
        }

        Audit(db, admin, AuditRepushAll, $"template:{templateId}", new { run = runId, repushed = done.Count, notRepushed = ids.Count - done.Count });
        await db.SaveChangesAsync(cancellationToken);
        return new RepushAllOutcome(done.Count, ids.Count - done.Count);
    }

    /// <summary>How many subscribers "Re-push all" would send back to the engine.</summary>
    public Task<int> RepushableCountAsync(Guid runId, CancellationToken cancellationToken) =>
        OpenRepushable(runId).Select(i => i.SubscriberId).Distinct().CountAsync(cancellationToken);

    private IQueryable<ReconciliationItem> OpenRepushable(Guid runId) =>
        db.ReconciliationItems.Where(i => i.RunId == runId && i.Resolution == DriftResolution.Open && i.SubscriberId != null
            && (i.Kind == DriftKind.Missing || i.Kind == DriftKind.Different));

    private async Task IgnoreAsync(RepairAdmin admin, Guid templateId, ReconciliationItem item, CancellationToken cancellationToken)
    {
        var key = item.IgnoreKey;
        for (var attempt = 1; ; attempt++)
        {
            db.ChangeTracker.Clear();
            if (!await db.ReconciliationIgnores.AnyAsync(i => i.TemplateId == templateId && i.Kind == item.Kind && i.Key == key,
                    cancellationToken))
            {
                db.ReconciliationIgnores.Add(new ReconciliationIgnore
                {
                    TemplateId = templateId, Kind = item.Kind, Key = key, AdminId = admin.AdminId, Created = Now,
                });
            }

            Resolve(db, item, DriftResolution.Ignored, admin);
            Audit(db, admin, AuditIgnore, $"template:{templateId}",
                new { item = item.Id, run = item.RunId, kind = Wire(item.Kind), key, userName = item.UserName });
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                db.ChangeTracker.Clear();
                return;
            }
            catch (DbUpdateException exception) when (attempt < 3 && exception.IsUniqueViolation())
            {
                // Another admin ignored the same item at this moment: theirs is the remembered one, this records the item.
            }
        }
    }

    private void Resolve(FlowthroughDbContext context, ReconciliationItem item, DriftResolution resolution, RepairAdmin admin)
    {
        context.Attach(item);
        item.Resolution = resolution;
        item.ResolvedAt = Now;
        item.ResolvedBy = admin.AdminId;
        context.Entry(item).State = EntityState.Modified;
    }

    private void Audit(FlowthroughDbContext context, RepairAdmin admin, string action, string target, object data) =>
        context.AdminAuditEvents.Add(new AdminAuditEvent
        {
            PartnerId = admin.PartnerId,
            AdminId = admin.AdminId,
            At = Now,
            Action = action,
            Target = target,
            Data = JsonSerializer.Serialize(data),
        });

    private static object Reason(ReconciliationItem item) => new { reconciliation = Wire(item.Kind), run = item.RunId, item = item.Id };

    /// <summary>The kind as the page's filter and the audit log name it: missing, extra, different.</summary>
    public static string Wire(DriftKind kind) => kind.ToString().ToLowerInvariant();
}
