using Flowthrough.Templates;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Flowthrough.PartnerHub.Clusters;

/// <summary>The confirmation before a cluster is deleted, naming its templates and their subscribers.</summary>
public sealed class DeleteModel(TemplateLifecycle lifecycle, TimeProvider time, IStringLocalizer<LifecycleText> text) : PageModel
{
    [TempData]
    public string? StatusMessage { get; set; }

    public ClusterFootprint Footprint { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        if (await lifecycle.ClusterFootprintAsync(User.PartnerId(), id, HttpContext.RequestAborted) is not { } footprint)
        {
            return NotFound();
        }

        Footprint = footprint;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id)
    {
        if (await lifecycle.ClusterFootprintAsync(User.PartnerId(), id, HttpContext.RequestAborted) is not { } footprint)
        {
            return NotFound();
        }

        var deleted = await lifecycle.DeleteClusterAsync(User.PartnerId(), id, User.Actor(),
            db => AdminAudit.Record(db, User, "cluster.delete", id.ToString(), time.GetUtcNow().UtcDateTime,
                new { footprint.Name, templates = footprint.Templates.Select(t => t.Name), footprint.Subscribers }),
            HttpContext.RequestAborted);
        StatusMessage = text["Cluster_Deleted", footprint.Name, deleted?.Templates ?? 0, deleted?.Subscribers ?? 0];
        return Redirect("/partner/clusters");
    }
}
