using Flowthrough.BroadWorks.Sync;
using Flowthrough.Clusters;
using Flowthrough.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.PartnerHub.Clusters;

/// <summary>A cluster's last sync runs with their whole report, newest first.</summary>
public sealed class SyncModel(FlowthroughDbContext db) : PageModel
{
    public BroadWorksCluster Cluster { get; private set; } = null!;

    public IReadOnlyList<SyncRun> Runs { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        var partnerId = User.PartnerId();
        if (await db.Clusters.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id && c.PartnerId == partnerId, HttpContext.RequestAborted)
            is not { } cluster)
        {
            return NotFound();
        }

        Cluster = cluster;
        Runs = await SyncRuns.RecentAsync(db, cluster.Id, SyncRuns.PageSize, HttpContext.RequestAborted);
        return Page();
    }
}
