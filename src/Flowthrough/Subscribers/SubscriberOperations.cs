using System.Linq.Expressions;
using Flowthrough.Api;
using Flowthrough.Data;
using Flowthrough.Email;
using Flowthrough.Provisioning;
using Flowthrough.Templates;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.Subscribers;

public enum OutcomeKind
{
    /// <summary>The change was made and saved.</summary>
    Done,

    /// <summary>Nothing to change: the subscriber already is as asked (a repeat).</summary>
    Unchanged,

    NotFound,

    /// <summary>The subscriber's status does not allow the operation.</summary>
    NotAllowed,

    /// <summary>The request itself is wrong; <see cref="SubscriberOutcome.Errors"/> says how.</summary>
    Invalid,

    /// <summary>Another subscriber of the partner holds the userId.</summary>
    UserIdInUse,

    /// <summary>Retry Activation without a typed email, and the subscriber's own email is not verified.</summary>
    EmailNotTrusted,

    /// <summary>Someone else changed the same field since the caller read it: a real conflict.</summary>
    Conflict,
}

/// <summary>What a subscriber use case did, and the subscriber as it is now (when it exists).</summary>
public sealed record SubscriberOutcome(OutcomeKind Kind, Subscriber? Subscriber = null, IReadOnlyList<ApiError>? Errors = null)
{
    public bool Succeeded => Kind is OutcomeKind.Done or OutcomeKind.Unchanged;
}

/// <summary>One row of a bulk action: the user and what happened to it.</summary>
public sealed record BulkRowOutcome(Guid Id, string UserId, OutcomeKind Kind, SubscriberStatus Status);

/// <summary>
/// The one home of every change a caller makes to a subscriber: the bridge, the REST API, the portal and Partner Hub
/// (single row and bulk) call these methods and nothing else writes subscriber state (the engine's own transitions are
/// marked <see cref="EngineTransitionAttribute"/>). Each method reads the row, asks the entity's rules, saves, and on
/// an optimistic-concurrency failure repeats the caller's intent on a fresh read, so that a lease, a counter or a
/// concurrent identical call never turns into an error; a repeat gets the answer a repeat would get.
/// </summary>
public sealed partial class SubscriberOperations(
    FlowthroughDbContext db,
    ProvisioningSignal provisioning,
    OutboxSignal outbox,
    ConsentMail consentMail,
    TimeProvider time,
    ILogger<SubscriberOperations> logger)
{
    /// <summary>Fresh reads before a contended write gives up; each lost race means another caller's write succeeded.</summary>
    internal const int MaxAttempts = 10;

    private const int BulkChunk = 500;

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    public static Expression<Func<Subscriber, bool>> ById(Guid partnerId, Guid id, Guid? templateId = null) =>
        templateId is { } template
            ? s => s.Id == id && s.PartnerId == partnerId && s.TemplateId == template
            : s => s.Id == id && s.PartnerId == partnerId;

    public static Expression<Func<Subscriber, bool>> ByUserId(Guid partnerId, string userId) =>
        s => s.PartnerId == partnerId && s.UserId == userId;

    /// <summary>
    /// REST API POST: creates the subscriber, or answers <see cref="OutcomeKind.UserIdInUse"/> with the existing one
    /// (also when a concurrent call created it first). <paramref name="alongside"/> adds rows saved in the same
    /// transaction (the idempotency record).
    /// </summary>
    public async Task<SubscriberOutcome> ProvisionAsync(Subscriber.IntakeDetails details, string actor,
        Action<FlowthroughDbContext, Subscriber>? alongside, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(details);
        // The caller's checks already looked for the userId; the unique index settles a race with a concurrent call.
        var which = ByUserId(details.PartnerId, details.UserId);
        var subscriber = Subscriber.Intake(details, actor, Now);
        if (await TryInsertAsync(subscriber, alongside, cancellationToken))
        {
            return Saved(subscriber);
        }

        return new SubscriberOutcome(OutcomeKind.UserIdInUse,
            await db.Subscribers.AsNoTracking().FirstOrDefaultAsync(which, cancellationToken));
    }

    /// <summary>
    /// BroadWorks sent the whole user (bridge, sync): creates it, or applies <paramref name="whole"/> to the existing
    /// one. Idempotent by userId: a repeat, even one racing the first call, changes nothing and gets the same answer.
    /// </summary>
    public Task<SubscriberOutcome> UpsertFromBroadWorksAsync(Subscriber.IntakeDetails details, DetailChange whole,
        CancellationToken cancellationToken) =>
        UpsertFromBroadWorksAsync(details, whole, Actors.BroadWorks, cancellationToken);

    /// <param name="actor">The bridge (<see cref="Actors.BroadWorks"/>) or the sync run that found the user.</param>
    public async Task<SubscriberOutcome> UpsertFromBroadWorksAsync(Subscriber.IntakeDetails details, DetailChange whole,
        string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(details);
        var which = ByUserId(details.PartnerId, details.UserId);
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var changed = await ChangeAsync(which, s => Task.FromResult(ApplyDetails(s, whole, actor)), null,
                cancellationToken);
            if (changed.Kind != OutcomeKind.NotFound)
            {
                return changed;
            }

            var subscriber = Subscriber.Intake(details, actor, Now);
            if (await TryInsertAsync(subscriber, null, cancellationToken))
            {
                return Saved(subscriber);
            }

            // A concurrent call created the same user first: this call is its repeat, applied to that row.
        }

        return new SubscriberOutcome(OutcomeKind.Conflict);
    }

    /// <summary>
    /// The OCI-P sync's new users, created together in one transaction: a sync finds thousands at once, and one
    /// commit per user would make the first run of a large group take minutes. When one of them was created meanwhile
    /// (a bridge call racing the sync), the batch falls back to <see cref="UpsertFromBroadWorksAsync"/> user by user.
    /// </summary>
    public async Task<IReadOnlyList<SubscriberOutcome>> IntakeManyFromBroadWorksAsync(
        IReadOnlyList<(Subscriber.IntakeDetails Details, DetailChange Whole)> users, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(users);
        // The bridge's group commit does exactly this: one read, one transaction, null when a concurrent call won a race.
        if (await UpsertGroupFromBroadWorksAsync([.. users.Select(u => new BroadWorksUser(u.Details, u.Whole, actor))],
                cancellationToken) is { } together)
        {
            return together;
        }

        var outcomes = new List<SubscriberOutcome>(users.Count);
        foreach (var (details, whole) in users)
        {
            outcomes.Add(await UpsertFromBroadWorksAsync(details, whole, actor, cancellationToken));
        }

        return outcomes;
    }

    /// <summary>
    /// Portal sign-in of a valid BroadWorks user: the existing subscriber, or a new self-activated one where the
    /// template admits it. On a flow-through template only users BroadWorks sent are admitted, unless self-activation
    /// is on and the user's group (enterprise) already belongs to the template; otherwise nothing is created.
    /// </summary>
    /// <param name="entitledByBroadWorks">The AS confirmed Integrated IM&amp;P live over OCI-P: BroadWorks has as good as sent
    /// the user, so it is admitted whatever the template's self-activation setting.</param>
    public async Task<SubscriberOutcome> AdmitFromPortalAsync(OnboardingTemplate template, Subscriber.IntakeDetails detailsIfNew,
        bool entitledByBroadWorks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(detailsIfNew);
        var which = ByUserId(template.PartnerId, detailsIfNew.UserId);
        if (await db.Subscribers.FirstOrDefaultAsync(which, cancellationToken) is { } existing)
        {
            return await RecordAsync(existing, "signed_in", Actors.Subscriber, null, cancellationToken);
        }

        if (!entitledByBroadWorks && !await AdmitsNewUserAsync(template, detailsIfNew.SpEnterpriseId, cancellationToken))
        {
            return new SubscriberOutcome(OutcomeKind.NotAllowed);
        }

        var subscriber = Subscriber.Intake(detailsIfNew with { Source = SubscriberSource.SelfActivation }, Actors.Subscriber, Now);
        if (await TryInsertAsync(subscriber, null, cancellationToken))
        {
            return Saved(subscriber);
        }

        // BroadWorks created the same user through the bridge at this moment: that one signs in.
        return await db.Subscribers.FirstOrDefaultAsync(which, cancellationToken) is { } raced
            ? new SubscriberOutcome(OutcomeKind.Done, raced)
            : new SubscriberOutcome(OutcomeKind.Conflict);
    }

    private async Task<bool> AdmitsNewUserAsync(OnboardingTemplate template, string spEnterpriseId,
        CancellationToken cancellationToken)
    {
        if (!template.AllowSelfActivation)
        {
            return false;
        }

        if (!template.FlowThroughEnabled)
        {
            return true;
        }

        // Flow-through decides who is onboarded; self-activation only widens it to the groups the template serves.
        return await db.Subscribers.AnyAsync(s => s.PartnerId == template.PartnerId && s.TemplateId == template.Id
                   && s.SpEnterpriseId == spEnterpriseId, cancellationToken)
               || await db.Organizations.AnyAsync(o => o.PartnerId == template.PartnerId && o.TemplateId == template.Id
                   && o.SpEnterpriseId == spEnterpriseId, cancellationToken);
    }

    /// <summary>API PUT: applies the fields sent; a provisioned subscriber goes through updating.</summary>
    public Task<SubscriberOutcome> UpdateDetailsAsync(Expression<Func<Subscriber, bool>> which, DetailChange change,
        string actor, CancellationToken cancellationToken) =>
        // A userId another subscriber holds is refused by the unique index at save (ChangeAsync answers UserIdInUse).
        ChangeAsync(which, subscriber => Task.FromResult(ApplyDetails(subscriber, change, actor)), null, cancellationToken);

    private SubscriberOutcome ApplyDetails(Subscriber subscriber, DetailChange change, string actor)
    {
        var update = subscriber.UpdateDetails(change, actor, Now);
        if (update.MissingNumberField is { } field)
        {
            return new SubscriberOutcome(OutcomeKind.Invalid, subscriber, [new ApiError(ErrorCatalog.MissingParameter, field,
                "A subscriber keeps a primaryPhoneNumber or an extension; one of them can only be removed while the other stays.")]);
        }

        return new SubscriberOutcome(update.Changes.Count > 0 || subscriber.NewEvents.Count > 0
            ? OutcomeKind.Done
            : OutcomeKind.Unchanged, subscriber);
    }

    /// <summary>
    /// Change Package Type. <paramref name="seen"/> is the package the admin saw: if someone else changed it since,
    /// that is a real conflict and the admin chooses again; if it already is <paramref name="package"/>, nothing changes.
    /// </summary>
    public Task<SubscriberOutcome> ChangePackageAsync(Expression<Func<Subscriber, bool>> which, SubscriberPackage package,
        SubscriberPackage? seen, string actor, Action<FlowthroughDbContext, Subscriber>? alongside,
        CancellationToken cancellationToken) =>
        ChangeAsync(which, subscriber => Task.FromResult(ChangePackage(subscriber, package, seen, actor)), alongside,
            cancellationToken);

    private SubscriberOutcome ChangePackage(Subscriber subscriber, SubscriberPackage package, SubscriberPackage? seen,
        string actor)
    {
        if (!Subscriber.CanChangePackage(subscriber.Status))
        {
            return new SubscriberOutcome(OutcomeKind.NotAllowed, subscriber);
        }

        if (subscriber.Package == package)
        {
            return new SubscriberOutcome(OutcomeKind.Unchanged, subscriber);
        }

        if (seen is { } basis && basis != subscriber.Package)
        {
            return new SubscriberOutcome(OutcomeKind.Conflict, subscriber);
        }

        subscriber.ChangePackage(package, actor, Now);
        return new SubscriberOutcome(OutcomeKind.Done, subscriber);
    }

    /// <summary>
    /// Retry Activation: with an email the admin typed (trusted), or, when <paramref name="adminEmail"/> is null,
    /// only with the subscriber's already verified or trusted email.
    /// </summary>
    public Task<SubscriberOutcome> RetryActivationAsync(Expression<Func<Subscriber, bool>> which, string? adminEmail,
        string actor, Action<FlowthroughDbContext, Subscriber>? alongside, CancellationToken cancellationToken) =>
        ChangeAsync(which, subscriber => Task.FromResult(RetryActivation(subscriber, adminEmail, actor)), alongside,
            cancellationToken);

    private SubscriberOutcome RetryActivation(Subscriber subscriber, string? adminEmail, string actor)
    {
        if (!Subscriber.CanRetryActivation(subscriber.Status))
        {
            return new SubscriberOutcome(OutcomeKind.NotAllowed, subscriber);
        }

        if (adminEmail is null && !subscriber.HasTrustedEmail)
        {
            return new SubscriberOutcome(OutcomeKind.EmailNotTrusted, subscriber);
        }

        subscriber.RetryActivation(adminEmail, actor, Now);
        return new SubscriberOutcome(OutcomeKind.Done, subscriber);
    }

    /// <summary>
    /// Reconciliation's Re-push and Adopt: a provisioned subscriber goes back through the engine (updating), which
    /// finds its user by external id or user name and writes every attribute again; one in error or waiting, with a
    /// trusted email, is retried as Retry Activation would. One already with the engine is <see cref="OutcomeKind.Unchanged"/>.
    /// </summary>
    public Task<SubscriberOutcome> RepushAsync(Expression<Func<Subscriber, bool>> which, string actor, object? reason,
        Action<FlowthroughDbContext, Subscriber>? alongside, CancellationToken cancellationToken) =>
        ChangeAsync(which, subscriber => Task.FromResult(Repush(subscriber, actor, reason)), alongside, cancellationToken);

    /// <summary>"Re-push all": <see cref="RepushAsync"/> for many subscribers, a chunk per transaction.</summary>
    public Task<IReadOnlyList<BulkRowOutcome>> RepushManyAsync(IReadOnlyList<Guid> ids, string actor, object? reason,
        CancellationToken cancellationToken) =>
        ForEachAsync(ids, s => Repush(s, actor, reason).Kind, remove: false, actor, cancellationToken);

    private SubscriberOutcome Repush(Subscriber subscriber, string actor, object? reason)
    {
        if (subscriber.Status is SubscriberStatus.Provisioning or SubscriberStatus.Updating)
        {
            return new SubscriberOutcome(OutcomeKind.Unchanged, subscriber);
        }

        if (subscriber.Status == SubscriberStatus.Provisioned)
        {
            subscriber.Repush(actor, Now, reason);
            return new SubscriberOutcome(OutcomeKind.Done, subscriber);
        }

        // NotAllowed (pending email input, say) or EmailNotTrusted: nothing the engine could link yet.
        return RetryActivation(subscriber, adminEmail: null, actor);
    }

    /// <summary>
    /// Delete User, API DELETE, flow-through delete or switch-off: the row goes, its timeline stays, unsent mail is
    /// abandoned and open verifications are dropped; the userId is free to onboard again.
    /// </summary>
    public async Task<SubscriberOutcome> RemoveAsync(Expression<Func<Subscriber, bool>> which, string actor,
        Action<FlowthroughDbContext, Subscriber>? alongside, CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            db.ChangeTracker.Clear();
            var subscriber = await db.Subscribers.FirstOrDefaultAsync(which, cancellationToken);
            if (subscriber is null)
            {
                return new SubscriberOutcome(OutcomeKind.NotFound);
            }

            alongside?.Invoke(db, subscriber);
            try
            {
                await RemoveSavedAsync([subscriber], actor, cancellationToken);
                return new SubscriberOutcome(OutcomeKind.Done, subscriber);
            }
            catch (DbUpdateConcurrencyException)
            {
                // Changed (or removed) meanwhile: read it again; a removal by someone else answers NotFound.
            }
        }

        return new SubscriberOutcome(OutcomeKind.Conflict);
    }

    /// <summary>Bulk Retry Activation: per row the typed email, or null to use only an already trusted one.</summary>
    public Task<IReadOnlyList<BulkRowOutcome>> RetryActivationManyAsync(IReadOnlyDictionary<Guid, string?> emails,
        string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(emails);
        return ForEachAsync([.. emails.Keys], s => RetryActivation(s, emails[s.Id], actor).Kind, remove: false, actor,
            cancellationToken);
    }

    public Task<IReadOnlyList<BulkRowOutcome>> ChangePackageManyAsync(IReadOnlyList<Guid> ids, SubscriberPackage package,
        string actor, CancellationToken cancellationToken) =>
        ForEachAsync(ids, s => ChangePackage(s, package, seen: null, actor).Kind, remove: false, actor, cancellationToken);

    /// <summary>Bulk Delete User: exactly what single Delete does, a chunk per transaction.</summary>
    public Task<IReadOnlyList<BulkRowOutcome>> RemoveManyAsync(IReadOnlyList<Guid> ids, string actor,
        CancellationToken cancellationToken) =>
        ForEachAsync(ids, _ => OutcomeKind.Done, remove: true, actor, cancellationToken);

    /// <summary>
    /// Applies one rule to many rows, a chunk per transaction. A chunk that loses a race is redone row by row on
    /// fresh reads, so one row changed meanwhile never fails the others.
    /// </summary>
    private async Task<IReadOnlyList<BulkRowOutcome>> ForEachAsync(IReadOnlyList<Guid> ids,
        Func<Subscriber, OutcomeKind> apply, bool remove, string actor, CancellationToken cancellationToken)
    {
        var results = new List<BulkRowOutcome>(ids.Count);
        foreach (var chunk in ids.Distinct().Chunk(BulkChunk))
        {
            try
            {
                results.AddRange(await ApplyChunkAsync(chunk, apply, remove, actor, cancellationToken));
            }
            catch (DbUpdateConcurrencyException)
            {
                foreach (var id in chunk)
                {
                    results.AddRange(await ApplyChunkWithRetriesAsync([id], apply, remove, actor, cancellationToken));
                }
            }
        }

        return results;
    }

    private async Task<IReadOnlyList<BulkRowOutcome>> ApplyChunkWithRetriesAsync(Guid[] ids,
        Func<Subscriber, OutcomeKind> apply, bool remove, string actor, CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            try
            {
                return await ApplyChunkAsync(ids, apply, remove, actor, cancellationToken);
            }
            catch (DbUpdateConcurrencyException)
            {
                LogRetried(logger, ids[0], attempt);
            }
        }

        db.ChangeTracker.Clear();
        return [.. await db.Subscribers.AsNoTracking().Where(s => ids.Contains(s.Id))
            .Select(s => new BulkRowOutcome(s.Id, s.UserId, OutcomeKind.Conflict, s.Status)).ToListAsync(cancellationToken)];
    }

    private async Task<IReadOnlyList<BulkRowOutcome>> ApplyChunkAsync(Guid[] ids, Func<Subscriber, OutcomeKind> apply,
        bool remove, string actor, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        var rows = await db.Subscribers.Where(s => ids.Contains(s.Id)).ToListAsync(cancellationToken);
        var results = rows.Select(s => new BulkRowOutcome(s.Id, s.UserId, apply(s), s.Status)).ToList();
        if (remove)
        {
            await RemoveSavedAsync(rows, actor, cancellationToken);
        }
        else if (results.Any(r => r.Kind == OutcomeKind.Done))
        {
            await db.SaveChangesAsync(cancellationToken);
            NotifyEngine(rows);
        }

        db.ChangeTracker.Clear();
        return results;
    }

    /// <summary>Removes the rows with their open verifications and unsent mail, in one transaction.</summary>
    private async Task RemoveSavedAsync(IReadOnlyList<Subscriber> subscribers, string actor,
        CancellationToken cancellationToken)
    {
        var now = Now;
        var ids = subscribers.Select(s => s.Id).ToList();
        // A bulk job runs each chunk in its own transaction (with its progress): the removal joins it then.
        await using var transaction = db.Database.CurrentTransaction is null
            ? await db.Database.BeginTransactionAsync(cancellationToken)
            : null;
        foreach (var subscriber in subscribers)
        {
            subscriber.RecordRemoval(actor, now);
            db.Subscribers.Remove(subscriber);
        }

        var removalsQueued = await QueueTargetRemovalsAsync(subscribers, now, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await db.EmailVerifications.Where(v => ids.Contains(v.SubscriberId)).ExecuteDeleteAsync(cancellationToken);
        // Mail not yet sent would reach someone who is no longer onboarding; its body (a code, a link) goes too.
        await db.Outbox.Where(m => m.SubscriberId != null && ids.Contains(m.SubscriberId.Value) && m.Status == OutboxStatus.Queued)
            .ExecuteUpdateAsync(u => u.SetProperty(m => m.Status, OutboxStatus.Abandoned)
                .SetProperty(m => m.NextAttemptAt, (DateTime?)null)
                .SetProperty(m => m.Html, "")
                .SetProperty(m => m.Text, "")
                .SetProperty(m => m.LastError, "The subscriber was deleted before the message was sent."),
                cancellationToken);
        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
        }

        if (removalsQueued)
        {
            provisioning.Notify();
        }
    }

    /// <summary>
    /// The users the removed subscribers had in their targets are deactivated or deleted there later, by the engine's
    /// removal worker (Provisioning/Targets/TargetRemoval): the removal itself never waits on a target.
    /// </summary>
    private async Task<bool> QueueTargetRemovalsAsync(IReadOnlyList<Subscriber> subscribers, DateTime now,
        CancellationToken cancellationToken)
    {
        var provisioned = subscribers.Where(s => s.OrganizationId is not null && (s.TargetUserId ?? s.PersonId?.ToString()) is not null)
            .ToList();
        if (provisioned.Count == 0)
        {
            return false;
        }

        var templateIds = provisioned.Select(s => s.TemplateId).Distinct().ToList();
        var targets = await db.Templates.AsNoTracking().Where(t => templateIds.Contains(t.Id))
            .ToDictionaryAsync(t => t.Id, t => t.TargetId, cancellationToken);
        var organizationIds = provisioned.Select(s => s.OrganizationId!.Value).Distinct().ToList();
        var organizations = await db.Organizations.AsNoTracking().Where(o => organizationIds.Contains(o.Id))
            .ToDictionaryAsync(o => o.Id, cancellationToken);
        foreach (var subscriber in provisioned)
        {
            if (organizations.GetValueOrDefault(subscriber.OrganizationId!.Value) is not { } organization)
            {
                continue;
            }

            db.TargetRemovals.Add(new Provisioning.Targets.TargetRemoval
            {
                PartnerId = subscriber.PartnerId,
                TargetId = targets.GetValueOrDefault(subscriber.TemplateId),
                SubscriberId = subscriber.Id,
                OrganizationId = organization.Id,
                SpEnterpriseId = organization.SpEnterpriseId,
                OrganizationName = organization.Name,
                TargetUserId = subscriber.TargetUserId ?? subscriber.PersonId!.Value.ToString(),
                NextAttemptAt = now,
                Created = now,
            });
        }

        return true;
    }

    /// <summary>The subscriber's "Try again" in the portal, limited per day; back to email entry when the email was the problem.</summary>
    public async Task<SubscriberOutcome> TryAgainAsync(Guid subscriberId, int maxPerDay, CancellationToken cancellationToken)
    {
        if (await TryAgainExhaustedAsync(subscriberId, maxPerDay, cancellationToken))
        {
            return new SubscriberOutcome(OutcomeKind.NotAllowed);
        }

        return await ChangeAsync(s => s.Id == subscriberId, subscriber =>
        {
            if (subscriber.Status != SubscriberStatus.Error)
            {
                return Task.FromResult(new SubscriberOutcome(OutcomeKind.NotAllowed, subscriber));
            }

            var emailWasTheProblem = subscriber.ErrorCode is { } code && ErrorCatalog.Find(code)?.RetryClass == RetryClass.User;
            subscriber.TryAgain(emailWasTheProblem, Actors.Subscriber, Now);
            return Task.FromResult(new SubscriberOutcome(OutcomeKind.Done, subscriber));
        }, null, cancellationToken);
    }

    public async Task<bool> TryAgainExhaustedAsync(Guid subscriberId, int maxPerDay, CancellationToken cancellationToken)
    {
        var dayAgo = Now.AddDays(-1);
        var tries = await db.SubscriberEvents.CountAsync(
            e => e.SubscriberId == subscriberId && e.Kind == "try_again" && e.At > dayAgo, cancellationToken);
        return tries >= maxPerDay;
    }

    /// <summary>The consent email again (API consentMove, portal); only a subscriber waiting for consent gets one.</summary>
    public async Task<SubscriberOutcome> ResendConsentAsync(Expression<Func<Subscriber, bool>> which, string actor,
        CancellationToken cancellationToken)
    {
        var outcome = await ChangeAsync(which, async subscriber =>
        {
            if (subscriber.Status != SubscriberStatus.PendingUserMigration)
            {
                return new SubscriberOutcome(OutcomeKind.NotAllowed, subscriber);
            }

            var now = Now;
            subscriber.RecordConsentResent(actor, now);
            var template = await db.Templates.AsNoTracking().FirstAsync(t => t.Id == subscriber.TemplateId, cancellationToken);
            await consentMail.QueueAsync(db, subscriber, template, now, cancellationToken);
            return new SubscriberOutcome(OutcomeKind.Done, subscriber);
        }, null, cancellationToken);
        if (outcome.Kind == OutcomeKind.Done)
        {
            outbox.Notify();
        }

        return outcome;
    }

    /// <summary>A portal event that changes no status (sign-in, failure, lockout) on the subscriber's timeline.</summary>
    public async Task<SubscriberOutcome> RecordAsync(Subscriber subscriber, string kind, string actor, object? data,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        // Only a timeline row is inserted: the subscriber row is not written, so no concurrent change can fail this.
        subscriber.RecordPortalEvent(kind, actor, Now, data);
        if (db.Entry(subscriber).State == EntityState.Detached)
        {
            // Read without tracking (sign-in failures): the DbContext cannot see its events, so they are added here.
            db.SubscriberEvents.AddRange(subscriber.NewEvents);
            await db.SaveChangesAsync(cancellationToken);
            subscriber.ClearNewEvents();
        }
        else
        {
            await db.SaveChangesAsync(cancellationToken);
        }

        return new SubscriberOutcome(OutcomeKind.Done, subscriber);
    }

    /// <summary>
    /// Reads the row, applies <paramref name="change"/> and saves; on an optimistic-concurrency failure the caller's
    /// intent is applied again to a fresh read, a bounded number of times.
    /// </summary>
    internal async Task<SubscriberOutcome> ChangeAsync(Expression<Func<Subscriber, bool>> which,
        Func<Subscriber, Task<SubscriberOutcome>> change, Action<FlowthroughDbContext, Subscriber>? alongside,
        CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            if (attempt > 1)
            {
                db.ChangeTracker.Clear();
            }

            var subscriber = await db.Subscribers.FirstOrDefaultAsync(which, cancellationToken);
            if (subscriber is null)
            {
                return new SubscriberOutcome(OutcomeKind.NotFound);
            }

            var outcome = await change(subscriber);
            if (outcome.Kind != OutcomeKind.Done)
            {
                return outcome;
            }

            alongside?.Invoke(db, subscriber);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                NotifyEngine([subscriber]);
                return outcome;
            }
            catch (DbUpdateConcurrencyException)
            {
                LogRetried(logger, subscriber.Id, attempt);
            }
            catch (DbUpdateException exception) when (exception.IsUniqueViolation())
            {
                // Only a userId can collide here (PUT renaming onto a user created at this moment).
                db.ChangeTracker.Clear();
                return new SubscriberOutcome(OutcomeKind.UserIdInUse, subscriber,
                    [new ApiError(ErrorCatalog.UserIdInUse, "userId", ErrorCatalog.UserIdInUse.English)]);
            }
        }

        return new SubscriberOutcome(OutcomeKind.Conflict);
    }

    /// <summary>Inserts a new subscriber; false when a concurrent call inserted the same userId first.</summary>
    private async Task<bool> TryInsertAsync(Subscriber subscriber, Action<FlowthroughDbContext, Subscriber>? alongside,
        CancellationToken cancellationToken)
    {
        db.Subscribers.Add(subscriber);
        alongside?.Invoke(db, subscriber);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException exception) when (exception.IsUniqueViolation())
        {
            db.ChangeTracker.Clear();
            return false;
        }
    }

    private SubscriberOutcome Saved(Subscriber subscriber)
    {
        NotifyEngine([subscriber]);
        return new SubscriberOutcome(OutcomeKind.Done, subscriber);
    }

    private void NotifyEngine(IEnumerable<Subscriber> subscribers)
    {
        if (subscribers.Any(s => s.NextAttemptAt is not null && s.Status is SubscriberStatus.Provisioning or SubscriberStatus.Updating))
        {
            provisioning.Notify();
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Subscriber {SubscriberId} changed meanwhile; applying the change again to a fresh read (attempt {Attempt})")]
    private static partial void LogRetried(ILogger logger, Guid subscriberId, int attempt);
}
