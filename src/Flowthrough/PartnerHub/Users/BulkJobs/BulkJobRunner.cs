using Flowthrough.Data;
using Flowthrough.Partners;
using Flowthrough.Provisioning;
using Flowthrough.Subscribers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Flowthrough.PartnerHub.Users.BulkJobs;

/// <summary>
/// Works through bulk jobs. A worker claims the oldest unfinished job that no live worker holds by writing its lease
/// (a conditional update, so two workers or nodes never both win), then applies the action a keyset chunk at a
/// time. Each chunk's subscriber changes and the job's cursor and counts commit in one transaction, and only while
/// the worker still holds the lease: a crash or a restart loses at most an uncommitted chunk, which the next worker
/// redoes, so no row gets the action twice. Between chunks it renews the lease and stops when the admin cancels.
/// </summary>
public sealed partial class BulkJobRunner(
    IServiceScopeFactory scopes,
    IOptions<EngineOptions> options,
    ProvisioningSignal provisioning,
    TimeProvider time,
    ILogger<BulkJobRunner> logger)
{
    /// <summary>Unexpected failures in a row before a job is given up as Failed.</summary>
    public const int MaxAttempts = 3;

    private static readonly BulkJobStatus[] Unfinished = [BulkJobStatus.Queued, BulkJobStatus.Running, BulkJobStatus.Cancelling];

    /// <summary>This worker's name in the lease column: the node and a random part, new on every start.</summary>
    private readonly string owner =
        $"{Environment.MachineName[..Math.Min(Environment.MachineName.Length, 30)]}/{Guid.NewGuid():N}";

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    /// <summary>
    /// Claims a job and works on it until it ends, is cancelled, loses its lease or has done
    /// <paramref name="maxChunks"/> chunks (then gives the lease back). False when no job was waiting.
    /// </summary>
    public async Task<bool> RunNextAsync(CancellationToken cancellationToken, int maxChunks = int.MaxValue)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FlowthroughDbContext>();
        var job = await ClaimAsync(db, cancellationToken);
        if (job is null)
        {
            return false;
        }

        try
        {
            await WorkAsync(db, scope.ServiceProvider.GetRequiredService<SubscriberOperations>(), job, maxChunks,
                cancellationToken);
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            // The node is stopping (whatever the provider threw on the way out): the chunk in hand was rolled back,
            // and the job is given back so the next worker, here or on another node, takes it at once.
            await ReleaseAsync(job.Id, attempts: null, CancellationToken.None);
            throw;
        }
        catch (Exception exception)
        {
            LogJobFailed(logger, exception, job.Id);
            await RecordFailureAsync(job, exception, cancellationToken);
        }

        return true;
    }

    private async Task<BulkJob?> ClaimAsync(FlowthroughDbContext db, CancellationToken cancellationToken)
    {
        var now = Now;
        var candidates = await db.BulkJobs.AsNoTracking()
            .Where(j => Unfinished.Contains(j.Status) && (j.LeaseUntil == null || j.LeaseUntil < now))
            .OrderBy(j => j.Created).Select(j => j.Id).Take(5).ToListAsync(cancellationToken);
        foreach (var id in candidates)
        {
            // The same condition again in the update: of two workers reading the same candidate, one writes the lease.
            var claimed = await db.BulkJobs
                .Where(j => j.Id == id && Unfinished.Contains(j.Status) && (j.LeaseUntil == null || j.LeaseUntil < now))
                .ExecuteUpdateAsync(u => u.SetProperty(j => j.LeaseOwner, owner)
                    .SetProperty(j => j.LeaseUntil, now + options.Value.LeaseDuration), cancellationToken);
            if (claimed == 1)
            {
                return await db.BulkJobs.AsNoTracking().FirstAsync(j => j.Id == id, cancellationToken);
            }
        }

        return null;
    }

    private async Task WorkAsync(FlowthroughDbContext db, SubscriberOperations operations, BulkJob job, int maxChunks,
        CancellationToken cancellationToken)
    {
        if (job.Status == BulkJobStatus.Cancelling)
        {
            await FinishAsync(db, job, BulkJobStatus.Cancelled, BulkReport.Of(job), cancellationToken);
            return;
        }

        if (job.Status == BulkJobStatus.Queued)
        {
            await Held(db, job).ExecuteUpdateAsync(u => u.SetProperty(j => j.Status, BulkJobStatus.Running)
                .SetProperty(j => j.Started, Now), cancellationToken);
        }

        var targets = BulkTargets.FromJson(job.Targets);
        var report = BulkReport.Of(job);
        var run = new BulkActionRun(job.Action, job.Package ?? default, targets, Actors.Admin(job.AdminId), report);
        var rows = targets.Query(db.Subscribers, job.PartnerId, job.TemplateId);
        var lastSeq = job.LastSeq;
        for (var chunks = 0; chunks < maxChunks; chunks++)
        {
            var chunk = await BulkActionRun.NextChunkAsync(rows, lastSeq, job.MaxSeq, options.Value.BulkJobChunkSize,
                cancellationToken);
            if (chunk.Count == 0)
            {
                report.SkipUnseen(job.Total);
                await FinishAsync(db, job, BulkJobStatus.Completed, report, cancellationToken);
                return;
            }

            lastSeq = chunk[^1].Seq;
            await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
            {
                await run.ApplyAsync(operations, chunk, cancellationToken);
                if (await SaveProgressAsync(db, job, lastSeq, report, cancellationToken) == 0)
                {
                    // Another worker holds the job now (this one was too slow for its lease), or it was cancelled
                    // meanwhile: this chunk is theirs to do or not, so none of it is kept.
                    await transaction.RollbackAsync(cancellationToken);
                    LogLeaseLost(logger, job.Id);
                    return;
                }

                await transaction.CommitAsync(cancellationToken);
            }

            // Retries and package changes were committed just now: the engine need not wait for its next poll.
            provisioning.Notify();
            var status = await db.BulkJobs.AsNoTracking().Where(j => j.Id == job.Id).Select(j => j.Status)
                .FirstAsync(cancellationToken);
            if (status == BulkJobStatus.Cancelling)
            {
                await FinishAsync(db, job, BulkJobStatus.Cancelled, report, cancellationToken);
                return;
            }
        }

        await ReleaseAsync(job.Id, attempts: null, cancellationToken);
    }

    /// <summary>The job while this worker holds it and it is still being worked on.</summary>
    private IQueryable<BulkJob> Held(FlowthroughDbContext db, BulkJob job) =>
        db.BulkJobs.Where(j => j.Id == job.Id && j.LeaseOwner == owner && Unfinished.Contains(j.Status));

    private Task<int> SaveProgressAsync(FlowthroughDbContext db, BulkJob job, long lastSeq, BulkReport report,
        CancellationToken cancellationToken)
    {
        var entries = report.EntriesJson();
        return Held(db, job).ExecuteUpdateAsync(u => u.SetProperty(j => j.LastSeq, lastSeq)
            .SetProperty(j => j.Done, report.Succeeded).SetProperty(j => j.Skipped, report.Skipped)
            .SetProperty(j => j.Failed, report.Failed).SetProperty(j => j.Report, entries)
            .SetProperty(j => j.Attempts, 0)
            .SetProperty(j => j.LeaseUntil, Now + options.Value.LeaseDuration), cancellationToken);
    }

    /// <summary>Ends the job; a completed one also leaves the audit row the request-time bulk action leaves.</summary>
    private async Task FinishAsync(FlowthroughDbContext db, BulkJob job, BulkJobStatus status, BulkReport report,
        CancellationToken cancellationToken)
    {
        var now = Now;
        var entries = report.EntriesJson();
        // The addresses the admin typed were needed only to run the job: an ended job does not keep them.
        var targets = BulkTargets.FromJson(job.Targets);
        targets.Emails.Clear();
        targets.CsvEmails.Clear();
        var kept = targets.ToJson();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var ended = await Held(db, job).ExecuteUpdateAsync(u => u.SetProperty(j => j.Status, status)
            .SetProperty(j => j.Done, report.Succeeded).SetProperty(j => j.Skipped, report.Skipped)
            .SetProperty(j => j.Failed, report.Failed).SetProperty(j => j.Report, entries)
            .SetProperty(j => j.Finished, now).SetProperty(j => j.Targets, kept)
            .SetProperty(j => j.LeaseOwner, (string?)null).SetProperty(j => j.LeaseUntil, (DateTime?)null),
            cancellationToken);
        if (ended == 0)
        {
            return;
        }

        if (status == BulkJobStatus.Completed)
        {
            db.AdminAuditEvents.Add(new AdminAuditEvent
            {
                PartnerId = job.PartnerId,
                AdminId = job.AdminId,
                At = now,
                Action = BulkJobAudit.Finished(job.Action),
                Target = BulkJobAudit.Target(job.TemplateId),
                Data = BulkJobAudit.Data(job, report),
            });
            await db.SaveChangesAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Gives the job back so the next worker (on any node) can take it at once.</summary>
    private async Task ReleaseAsync(Guid jobId, int? attempts, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FlowthroughDbContext>();
        var mine = db.BulkJobs.Where(j => j.Id == jobId && j.LeaseOwner == owner);
        await (attempts is { } count
            ? mine.ExecuteUpdateAsync(u => u.SetProperty(j => j.Attempts, count).SetProperty(j => j.LeaseOwner, (string?)null)
                // A job that just failed waits a poll interval before a worker tries it again.
                .SetProperty(j => j.LeaseUntil, Now + options.Value.PollInterval), cancellationToken)
            : mine.ExecuteUpdateAsync(u => u.SetProperty(j => j.LeaseOwner, (string?)null)
                .SetProperty(j => j.LeaseUntil, (DateTime?)null), cancellationToken));
    }

    private async Task RecordFailureAsync(BulkJob job, Exception exception, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FlowthroughDbContext>();
        var attempts = await db.BulkJobs.AsNoTracking().Where(j => j.Id == job.Id).Select(j => j.Attempts)
            .FirstOrDefaultAsync(cancellationToken) + 1;
        if (attempts < MaxAttempts)
        {
            await ReleaseAsync(job.Id, attempts, cancellationToken);
            return;
        }

        var error = $"{exception.GetType().Name}: {exception.Message}";
        await db.BulkJobs.Where(j => j.Id == job.Id && j.LeaseOwner == owner)
            .ExecuteUpdateAsync(u => u.SetProperty(j => j.Status, BulkJobStatus.Failed)
                .SetProperty(j => j.Attempts, attempts)
                .SetProperty(j => j.Error, error.Length > 1000 ? error[..1000] : error)
                .SetProperty(j => j.Finished, Now).SetProperty(j => j.LeaseOwner, (string?)null)
                .SetProperty(j => j.LeaseUntil, (DateTime?)null), cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Bulk job {JobId} failed; it is retried, then given up")]
    private static partial void LogJobFailed(ILogger logger, Exception exception, Guid jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Bulk job {JobId}: the lease was lost; the chunk in hand was rolled back")]
    private static partial void LogLeaseLost(ILogger logger, Guid jobId);
}
