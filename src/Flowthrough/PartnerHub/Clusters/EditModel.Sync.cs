using Flowthrough.BroadWorks.Sync;
using Flowthrough.Clusters;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.PartnerHub.Clusters;

/// <summary>
/// The Sync box of the cluster page: the last run's report, when the next is due, and Sync now (which only makes the
/// cluster due at once: the single sync runner picks it up, so two admins pressing it start one run).
/// </summary>
public sealed partial class EditModel
{
    public SyncRun? LastRun { get; private set; }

    public async Task<IActionResult> OnPostSyncNowAsync(Guid id)
    {
        if (await FindAsync(id, tracked: true) is not { } cluster)
        {
            return NotFound();
        }

        if (!cluster.HasOcip)
        {
            StatusMessage = syncText["Sync_NeedsOcip"];
            return Redirect($"/partner/clusters/{cluster.Id}#sync-title");
        }

        var now = time.GetUtcNow().UtcDateTime;
        cluster.NextSyncAt = now;
        AdminAudit.Record(db, User, SyncWorker.SyncNowAction, cluster.Id.ToString(), now, new { cluster.Name });
        await db.SaveChangesAsync(HttpContext.RequestAborted);
        StatusMessage = syncText["Sync_Requested", cluster.Name];
        return Redirect($"/partner/clusters/{cluster.Id}#sync-title");
    }

    private async Task LoadSyncAsync(BroadWorksCluster cluster) =>
        LastRun = await SyncRuns.RecentAsync(db, cluster.Id, 1, HttpContext.RequestAborted) is [var last, ..] ? last : null;
}
