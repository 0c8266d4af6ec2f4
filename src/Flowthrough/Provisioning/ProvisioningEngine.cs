using System.Diagnostics;
using Flowthrough.Data;
using Flowthrough.Provisioning.Targets;
using Flowthrough.Subscribers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Flowthrough.Provisioning;

/// <summary>
/// Turns due subscribers (provisioning/updating, NextAttemptAt reached, no live lease) into provisioned ones, in
/// three steps per claimed batch: plan (a short transaction: organisations), call the targets outside any transaction
/// (one subscriber at a time, bounded per target, behind its circuit breaker; or the whole batch at once for a target
/// that takes batches, like the built-in directory), then record every outcome in one short transaction, falling back
/// to one row per transaction so that one bad row cannot hold up the rest. No step makes a round trip per subscriber.
/// </summary>
public sealed partial class ProvisioningEngine(
    IServiceScopeFactory scopes,
    IOptions<EngineOptions> options,
    ProvisioningSignal signal,
    AttemptPlanner planner,
    TargetProvisioner provisioner,
    TimeProvider time,
    ILogger<ProvisioningEngine> logger)
{
    private static readonly SemaphoreSlim SqliteClaimLock = new(1, 1);

    /// <summary>Claims and processes one batch; returns how many subscribers it claimed.</summary>
    public async Task<int> ProcessBatchAsync(CancellationToken cancellationToken)
    {
        List<AttemptPlan> plans;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<FlowthroughDbContext>();
            var claimed = await ClaimAsync(db, cancellationToken);
            if (claimed.Count == 0)
            {
                return 0;
            }

            plans = await planner.PlanAsync(db, claimed, cancellationToken);
        }

        var started = Stopwatch.GetTimestamp();
        var outcomes = await provisioner.AttemptAllAsync(plans, cancellationToken);

        var results = plans.Zip(outcomes, (plan, outcome) => (plan, outcome)).ToList();
        try
        {
            await RecordAsync(results, cancellationToken);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            LogBatchFailed(logger, exception, results.Count);
            foreach (var result in results)
            {
                await RecordOneAsync(result, cancellationToken);
            }
        }

        EngineMetrics.BatchDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
        return plans.Count;
    }

    /// <summary>Leases up to a batch of due rows so no other worker (or node) takes them.</summary>
    internal async Task<List<long>> ClaimAsync(FlowthroughDbContext db, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var postgres = db.Database.IsNpgsql();
        // PostgreSQL lets many workers and nodes claim side by side; SQLite has one writer, and the lock keeps
        // this node's workers from claiming the same rows.
        var sql = EngineSql.Claim(postgres);
        if (!postgres)
        {
            await SqliteClaimLock.WaitAsync(cancellationToken);
        }

        try
        {
            return await db.Database
                .SqlQueryRaw<long>(sql, now + options.Value.LeaseDuration, now, options.Value.BatchSize)
                .ToListAsync(cancellationToken);
        }
        finally
        {
            if (!postgres)
            {
                SqliteClaimLock.Release();
            }
        }
    }

    /// <summary>Isolates one row after its batch's commit failed; a row that still fails goes back to the queue.</summary>
    private async Task RecordOneAsync((AttemptPlan Plan, AttemptOutcome Outcome) result, CancellationToken cancellationToken)
    {
        try
        {
            await RecordAsync([result], cancellationToken);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            LogRecordFailed(logger, exception, result.Plan.Subscriber.Seq);
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<FlowthroughDbContext>().Database
                .ExecuteSqlRawAsync(EngineSql.ReleaseLease, [result.Plan.Subscriber.Seq], cancellationToken);
        }
    }

    /// <summary>
    /// Writes the outcomes in one transaction. A row that changed since it was planned (a package change, a removal)
    /// is left alone: the change queued it again, and the target calls are idempotent, so the next attempt redoes them.
    /// </summary>
    private async Task RecordAsync(IReadOnlyList<(AttemptPlan Plan, AttemptOutcome Outcome)> results,
        CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FlowthroughDbContext>();
        var consentMail = scope.ServiceProvider.GetRequiredService<ConsentMail>();
        var now = time.GetUtcNow().UtcDateTime;
        var seqs = results.Select(r => r.Plan.Subscriber.Seq).ToList();
        var current = await db.Subscribers.Where(s => seqs.Contains(s.Seq)).ToDictionaryAsync(s => s.Seq, cancellationToken);
        var organizationIds = results.Where(r => r.Outcome is AttemptOutcome.Provisioned { FirstUser: true })
            .Select(r => r.Plan.Organization!.Id).Distinct().ToList();
        var organizations = await db.Organizations.Where(o => organizationIds.Contains(o.Id)).ToListAsync(cancellationToken);
        var released = new List<Guid>();
        var mailQueued = false;
        var held = new List<Subscriber>();
        foreach (var (plan, outcome) in results)
        {
            if (!current.TryGetValue(plan.Subscriber.Seq, out var subscriber))
            {
                continue; // Deleted meanwhile.
            }

            if (subscriber.Version != plan.Subscriber.Version
                || subscriber.Status is not (SubscriberStatus.Provisioning or SubscriberStatus.Updating)
                || outcome is AttemptOutcome.Skipped)
            {
                subscriber.ReleaseLease();
                continue;
            }

            switch (outcome)
            {
                case AttemptOutcome.Held h:
                    subscriber.HoldForFirstUser(h.OrganizationId, now);
                    held.Add(subscriber);
                    break;
                case AttemptOutcome.Provisioned p:
                    subscriber.BeginAttempt();
                    EngineMetrics.Attempts.Add(1);
                    subscriber.CompleteProvisioning(p.TargetUserId, p.PersonId, plan.Organization!.Id, now, outcome.Target);
                    if (p.FirstUser && organizations.FirstOrDefault(o => o.Id == plan.Organization.Id) is { FirstUserProvisioned: false } organization)
                    {
                        organization.FirstUserProvisioned = true;
                        released.Add(organization.Id);
                    }

                    break;
                case AttemptOutcome.NeedsConsent:
                    subscriber.BeginAttempt();
                    EngineMetrics.Attempts.Add(1);
                    subscriber.RequireUserMigration(now, outcome.Target);
                    await consentMail.QueueAsync(db, subscriber, plan.Template!, now, cancellationToken);
                    mailQueued = true;
                    break;
                case AttemptOutcome.Failed f:
                    subscriber.BeginAttempt();
                    EngineMetrics.Attempts.Add(1);
                    subscriber.Fail(f.Error.Code, f.Description ?? f.Error.English, now, target: outcome.Target);
                    EngineMetrics.Failed.Add(1);
                    break;
                case AttemptOutcome.Threw t:
                    RecordThrown(subscriber, t, now);
                    break;
            }

            subscriber.ReleaseLease();
        }

        if (released.Count > 0)
        {
            // Provision Admin First: the organisation's first user is in, so everyone held for it is due now,
            // including those of this very batch.
            var waiting = await db.Subscribers
                .Where(s => s.OrganizationId != null && released.Contains(s.OrganizationId.Value)
                    && s.BlockedReason == Subscriber.AwaitingFirstUser)
                .ToListAsync(cancellationToken);
            foreach (var subscriber in waiting.Concat(held.Where(h => released.Contains(h.OrganizationId!.Value))).Distinct())
            {
                subscriber.ReleaseHold(now);
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        foreach (var (plan, outcome) in results)
        {
            if (outcome is AttemptOutcome.Provisioned)
            {
                EngineMetrics.Provisioned.Add(1);
            }
        }

        if (released.Count > 0)
        {
            signal.Notify();
        }

        if (mailQueued)
        {
            consentMail.NotifyRelay();
        }
    }

    /// <summary>
    /// A failed attempt: an unreachable identity service is error 7001, refused credentials 7007, anything else an
    /// internal error (7000) whose reference is the trace id logged with the exception. All are retried with backoff
    /// until the last attempt, never sooner than the target's Retry-After; an open breaker costs no attempt.
    /// </summary>
    private void RecordThrown(Subscriber subscriber, AttemptOutcome.Threw thrown, DateTime now)
    {
        var exception = thrown.Exception;
        if (exception is TargetUnavailableException { BreakerOpen: true } open)
        {
            subscriber.Defer(now + (open.RetryAfter ?? TimeSpan.FromSeconds(5)));
            return;
        }

        subscriber.BeginAttempt();
        EngineMetrics.Attempts.Add(1);
        var failure = ProvisioningFailure.Classify(exception);
        var reference = failure == ErrorCatalog.InternalError
            ? Activity.Current?.TraceId.ToHexString() ?? ActivityTraceId.CreateRandom().ToHexString()
            : null;
        LogAttemptFailed(logger, exception, subscriber.Seq, failure.Code, reference ?? "-");
        var settings = options.Value;
        var description = reference is null
            ? (exception is TargetException ? $"{failure.English} {exception.Message}" : failure.English)
            : failure.DescribeWithReference("en", reference);
        if (subscriber.Attempts >= settings.MaxAttempts)
        {
            subscriber.Fail(failure.Code, $"{description} Gave up after {subscriber.Attempts} attempts.", now, reference, thrown.Target);
            EngineMetrics.Failed.Add(1);
            return;
        }

        var exponential = settings.RetryBaseDelay * Math.Pow(2, subscriber.Attempts - 1);
        var capped = exponential > settings.RetryMaxDelay ? settings.RetryMaxDelay : exponential;
#pragma warning disable CA5394 // Jitter needs no cryptographic randomness.
        var jittered = capped * (0.8 + (Random.Shared.NextDouble() * 0.4));
#pragma warning restore CA5394
        // The target said when to come back (429/503 Retry-After): never sooner than that.
        if (exception is TargetUnavailableException { RetryAfter: { } retryAfter } && retryAfter > jittered)
        {
            jittered = retryAfter;
        }

        subscriber.ScheduleRetry(failure.Code, description, now + jittered, now, reference, thrown.Target);
        EngineMetrics.Retries.Add(1);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Recording a provisioning batch of {Count} failed; recording its rows one by one")]
    private static partial void LogBatchFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Recording the outcome for subscriber #{Seq} failed; it goes back to the queue")]
    private static partial void LogRecordFailed(ILogger logger, Exception exception, long seq);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Provisioning subscriber #{Seq} failed with error {ErrorCode} (reference {Reference}); it is retried while attempts remain")]
    private static partial void LogAttemptFailed(ILogger logger, Exception exception, long seq, int errorCode, string reference);
}
