using Flowthrough.Data;
using Flowthrough.Subscribers;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.PartnerHub.Users.BulkJobs;

/// <summary>The admin's side of a bulk job: start it and cancel it. The caller records the audit and saves.</summary>
public static class BulkJobCommands
{
    /// <summary>
    /// A new queued job over the rows <paramref name="targets"/> covers now; rows that arrive later are left out. CSV
    /// lines it cannot use are in its report from the start and count towards its total.
    /// </summary>
    public static async Task<BulkJob> StartAsync(FlowthroughDbContext db, Guid jobId, Guid partnerId, Guid templateId,
        Guid adminId, BulkAction action, SubscriberPackage? package, BulkTargets targets, RetryEmailList csv, DateTime now,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(targets);
        var maxSeq = await db.Subscribers.MaxAsync(s => (long?)s.Seq, cancellationToken) ?? 0;
        var rows = targets.Query(db.Subscribers, partnerId, templateId).Where(s => s.Seq <= maxSeq);
        var total = await rows.CountAsync(cancellationToken);
        var report = new BulkReport();
        var csvLines = await BulkActionRun.ReportCsvAsync(rows, csv, report, cancellationToken);
        var job = new BulkJob
        {
            Id = jobId,
            PartnerId = partnerId,
            TemplateId = templateId,
            AdminId = adminId,
            Action = action,
            Package = action == BulkAction.Package ? package : null,
            Targets = targets.ToJson(),
            MaxSeq = maxSeq,
            Total = total + csvLines,
            Skipped = report.Skipped,
            Report = report.EntriesJson(),
            Created = now,
        };
        db.BulkJobs.Add(job);
        return job;
    }

    /// <summary>
    /// Stops a job: one no worker holds ends at once; a running one is marked Cancelling and its worker stops after
    /// the chunk it is on (whose changes are kept and counted). False when the job had already ended.
    /// </summary>
    public static async Task<bool> CancelAsync(FlowthroughDbContext db, Guid partnerId, Guid jobId, DateTime now,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var mine = db.BulkJobs.Where(j => j.Id == jobId && j.PartnerId == partnerId);
        var idle = await mine
            .Where(j => (j.Status == BulkJobStatus.Queued || j.Status == BulkJobStatus.Running
                         || j.Status == BulkJobStatus.Cancelling) && (j.LeaseUntil == null || j.LeaseUntil < now))
            .ExecuteUpdateAsync(u => u.SetProperty(j => j.Status, BulkJobStatus.Cancelled)
                .SetProperty(j => j.Finished, now).SetProperty(j => j.LeaseOwner, (string?)null)
                .SetProperty(j => j.LeaseUntil, (DateTime?)null), cancellationToken);
        if (idle > 0)
        {
            return true;
        }

        return await mine.Where(j => j.Status == BulkJobStatus.Queued || j.Status == BulkJobStatus.Running)
            .ExecuteUpdateAsync(u => u.SetProperty(j => j.Status, BulkJobStatus.Cancelling), cancellationToken) > 0;
    }
}
