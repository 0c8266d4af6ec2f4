using Flowthrough.Data;
using Flowthrough.Subscribers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Flowthrough.Provisioning.Targets.Reconciliation;

/// <summary>Wakes the reconciliation runner when an admin starts a run on this node; other nodes find it by polling.</summary>
public sealed class ReconciliationSignal : WorkSignal;

/// <summary>
/// Runs reconciliation, one template at a time, on the one node holding the <see cref="RunnerLease"/>: it queues the
/// scheduled runs that are due (every template with a target, every <see cref="TargetOptions.ReconciliationInterval"/>),
/// then works through queued runs. Per customer organisation it lists the target's users (outside any transaction),
/// compares them with the subscribers (<see cref="DriftComparer"/>) and commits that organisation's items with the
/// run's progress, only while it still holds the lease. A run whose runner died is started again from the beginning.
/// </summary>
public sealed partial class ReconciliationRunner(
    IServiceScopeFactory scopes,
    ProvisioningTargets targets,
    IOptions<EngineOptions> engine,
    IOptions<TargetOptions> options,
    TimeProvider time,
    ILogger<ReconciliationRunner> logger)
{
    /// <summary>Users listed between two renewals of the lease (a big organisation takes a while to list).</summary>
    private const int RenewEvery = 200;

    private readonly RunnerLease lease = new(
        $"{Environment.MachineName[..Math.Min(Environment.MachineName.Length, 30)]}/{Guid.NewGuid():N}",
        engine.Value.LeaseDuration, time);

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    /// <summary>Queues a run of the template by hand, or answers the one already queued or running.</summary>
    public static async Task<ReconciliationRun> StartAsync(FlowthroughDbContext db, Guid partnerId, Guid templateId,
        Guid adminId, DateTime now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var active = await db.ReconciliationRuns.AsNoTracking()
            .Where(r => r.PartnerId == partnerId && r.TemplateId == templateId
                && (r.State == ReconciliationState.Queued || r.State == ReconciliationState.Running))
            .OrderBy(r => r.Created).FirstOrDefaultAsync(cancellationToken);
        if (active is not null)
        {
            return active;
        }

        var run = new ReconciliationRun
        {
            PartnerId = partnerId, TemplateId = templateId, Trigger = ReconciliationTrigger.Manual, AdminId = adminId,
            Created = now,
        };
        db.ReconciliationRuns.Add(run);
        return run;
    }

    /// <summary>Takes the lease, queues what is due and does one run. False when there was nothing to do (or another node runs).</summary>
    public async Task<bool> RunNextAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FlowthroughDbContext>();
        if (!await lease.TakeAsync(db, cancellationToken))
        {
            return false;
        }

        try
        {
            await ScheduleDueAsync(db, cancellationToken);
            // Holding the lease, a run still marked running is one whose runner died: it is done again.
            var run = await db.ReconciliationRuns
                .Where(r => r.State == ReconciliationState.Queued || r.State == ReconciliationState.Running)
                .OrderBy(r => r.Created).FirstOrDefaultAsync(cancellationToken);
            if (run is null)
            {
                return false;
            }

            await RunAsync(db, run, cancellationToken);
            return true;
        }
        finally
        {
            await lease.ReleaseAsync(db, CancellationToken.None);
        }
    }

    /// <summary>A scheduled run for every template with a target that has had none within the interval.</summary>
    private async Task ScheduleDueAsync(FlowthroughDbContext db, CancellationToken cancellationToken)
    {
        var interval = options.Value.ReconciliationInterval;
        if (interval <= TimeSpan.Zero)
        {
            return;
        }

        var now = Now;
        var since = now - interval;
        var due = await db.Templates.AsNoTracking()
            .Where(t => t.TargetId != null && !db.ReconciliationRuns.Any(r => r.TemplateId == t.Id
                && (r.Created > since || r.State == ReconciliationState.Queued || r.State == ReconciliationState.Running)))
            .OrderBy(t => t.Id).Select(t => new { t.Id, t.PartnerId }).ToListAsync(cancellationToken);
        foreach (var template in due)
        {
            db.ReconciliationRuns.Add(new ReconciliationRun
            {
                PartnerId = template.PartnerId, TemplateId = template.Id, Trigger = ReconciliationTrigger.Scheduled,
                Created = now,
            });
        }

        await db.SaveChangesAsync(cancellationToken);
        db.ChangeTracker.Clear();
    }

    private async Task RunAsync(FlowthroughDbContext db, ReconciliationRun run, CancellationToken cancellationToken)
    {
        try
        {
            await ReconcileAsync(db, run, cancellationToken);
        }
        catch (LeaseLostException)
        {
            LogLeaseLost(logger, run.Id);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            LogRunFailed(logger, exception, run.Id);
            db.ChangeTracker.Clear();
            var error = exception.Message.Length > 2000 ? exception.Message[..2000] : exception.Message;
            await db.ReconciliationRuns.Where(r => r.Id == run.Id).ExecuteUpdateAsync(u => u
                .SetProperty(r => r.State, ReconciliationState.Failed).SetProperty(r => r.Error, error)
                .SetProperty(r => r.Finished, Now), CancellationToken.None);
        }
    }

    private async Task ReconcileAsync(FlowthroughDbContext db, ReconciliationRun run, CancellationToken cancellationToken)
    {
        var template = await db.Templates.AsNoTracking().FirstOrDefaultAsync(t => t.Id == run.TemplateId, cancellationToken)
            ?? throw new InvalidOperationException("The template is gone.");
        var target = await targets.ForTargetIdAsync(db, template.TargetId, cancellationToken);
        var organizationIds = await db.Subscribers.AsNoTracking()
            .Where(s => s.PartnerId == run.PartnerId && s.TemplateId == run.TemplateId && s.OrganizationId != null)
            .Select(s => s.OrganizationId!.Value).Distinct().ToListAsync(cancellationToken);
        var organizations = await db.Organizations.AsNoTracking()
            .Where(o => o.PartnerId == run.PartnerId && (o.TemplateId == run.TemplateId || organizationIds.Contains(o.Id)))
            .OrderBy(o => o.Name).ThenBy(o => o.Id).ToListAsync(cancellationToken);
        var ignored = (await db.ReconciliationIgnores.AsNoTracking().Where(i => i.TemplateId == run.TemplateId)
                .Select(i => new { i.Kind, i.Key }).ToListAsync(cancellationToken))
            .Select(i => (i.Kind, i.Key)).ToHashSet();

        // A fresh start: a run taken over from a dead runner drops what that runner had committed.
        await CommitAsync(db, async () =>
        {
            await db.ReconciliationItems.Where(i => i.RunId == run.Id).ExecuteDeleteAsync(cancellationToken);
            run.State = ReconciliationState.Running;
            run.Started = Now;
            run.TargetName = target.Name;
            run.OrganizationsTotal = organizations.Count;
            run.OrganizationsDone = run.UsersSeen = run.Missing = run.Extra = run.Different = run.Ignored = 0;
            run.Error = null;
        }, cancellationToken);

        foreach (var organization in organizations)
        {
            var users = await ListAsync(db, target.Target, organization, cancellationToken);
            var subscribers = await db.Subscribers.AsNoTracking()
                .Where(s => s.PartnerId == run.PartnerId && s.OrganizationId == organization.Id).ToListAsync(cancellationToken);
            var drifts = DriftComparer.Compare(run.TemplateId, organization, users, subscribers, target.Target.Describe);
            var extras = drifts.Where(d => d.Kind == DriftKind.Extra).ToList();
            var candidates = await CandidatesAsync(db, run, extras, cancellationToken);
            var listed = users.Select(u => u.Id).ToHashSet(StringComparer.Ordinal);
            var items = drifts.Select(d => ToItem(run, d.Kind == DriftKind.Extra
                    ? d with { Subscriber = DriftComparer.AdoptionCandidate(d.User!, candidates, listed) }
                    : d, ignored)).ToList();
            await CommitAsync(db, () =>
            {
                db.ReconciliationItems.AddRange(items);
                run.OrganizationsDone++;
                run.UsersSeen += users.Count;
                Count(run, items);
                return Task.CompletedTask;
            }, cancellationToken);
        }

        var orphans = await db.Subscribers.AsNoTracking()
            .Where(s => s.PartnerId == run.PartnerId && s.TemplateId == run.TemplateId && s.Status == SubscriberStatus.Provisioned
                && (s.OrganizationId == null || !db.Organizations.Any(o => o.Id == s.OrganizationId)))
            .ToListAsync(cancellationToken);
        var orphanItems = orphans.Select(s => ToItem(run,
            new Drift(DriftKind.Missing, s, null, new DriftDetails(Reason: DriftDetails.NoOrganization)), ignored)).ToList();
        await CommitAsync(db, () =>
        {
            db.ReconciliationItems.AddRange(orphanItems);
            Count(run, orphanItems);
            run.State = ReconciliationState.Completed;
            run.Finished = Now;
            return Task.CompletedTask;
        }, cancellationToken);
    }

    private async Task<List<TargetUser>> ListAsync(FlowthroughDbContext db, IProvisioningTarget target,
        Provisioning.CustomerOrganization organization, CancellationToken cancellationToken)
    {
        var users = new List<TargetUser>();
        await foreach (var user in target.ListAsync(new TargetOrganization(organization.Id, organization.SpEnterpriseId,
                           organization.Name), cancellationToken))
        {
            users.Add(user);
            if (users.Count % RenewEvery == 0 && !await lease.RenewAsync(db, cancellationToken))
            {
                throw new LeaseLostException();
            }
        }

        return users;
    }

    /// <summary>The template's subscribers whose email is an extra user's name: who could adopt it.</summary>
    private static async Task<List<Subscriber>> CandidatesAsync(FlowthroughDbContext db, ReconciliationRun run,
        List<Drift> extras, CancellationToken cancellationToken)
    {
        var names = extras.Select(d => Subscriber.NormalizeEmail(d.User!.UserName)).Where(n => n.Length > 0).Distinct().ToList();
        var found = new List<Subscriber>();
        foreach (var chunk in names.Chunk(500))
        {
            found.AddRange(await db.Subscribers.AsNoTracking()
                .Where(s => s.PartnerId == run.PartnerId && s.TemplateId == run.TemplateId && chunk.Contains(s.NormalizedEmail!))
                .ToListAsync(cancellationToken));
        }

        return found;
    }

    private static ReconciliationItem ToItem(ReconciliationRun run, Drift drift, HashSet<(DriftKind, string)> ignored)
    {
        var item = new ReconciliationItem
        {
            RunId = run.Id,
            Kind = drift.Kind,
            SubscriberId = drift.Subscriber?.Id,
            TargetUserId = drift.User?.Id ?? drift.Subscriber?.TargetUserId ?? drift.Subscriber?.PersonId?.ToString(),
            UserName = Cut(drift.UserName, 300),
            Details = Cut(drift.Details.ToJson(), 8000),
        };
        item.Resolution = ignored.Contains((item.Kind, item.IgnoreKey)) ? DriftResolution.Ignored : DriftResolution.Open;
        return item;
    }

    private static void Count(ReconciliationRun run, IEnumerable<ReconciliationItem> items)
    {
        foreach (var item in items)
        {
            if (item.Resolution == DriftResolution.Ignored)
            {
                run.Ignored++;
            }
            else if (item.Kind == DriftKind.Missing)
            {
                run.Missing++;
            }
            else if (item.Kind == DriftKind.Extra)
            {
                run.Extra++;
            }
            else
            {
                run.Different++;
            }
        }
    }

    /// <summary>Applies a change to the (tracked) run and saves it, in one transaction, only while the lease is ours.</summary>
    private async Task CommitAsync(FlowthroughDbContext db, Func<Task> change, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // The renewal locks the lease row until the commit: no other runner can take it over in between.
        if (!await lease.RenewAsync(db, cancellationToken))
        {
            throw new LeaseLostException();
        }

        await change();
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private static string Cut(string value, int length) => value.Length > length ? value[..length] : value;

    private sealed class LeaseLostException : Exception;

    [LoggerMessage(Level = LogLevel.Error, Message = "Reconciliation run {RunId} failed")]
    private static partial void LogRunFailed(ILogger logger, Exception exception, Guid runId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reconciliation run {RunId}: the lease was lost; another runner does it again")]
    private static partial void LogLeaseLost(ILogger logger, Guid runId);
}
