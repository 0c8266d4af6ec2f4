using Flowthrough.Clusters;
using Flowthrough.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Flowthrough.PartnerHub.Clusters;

/// <summary>The partner's BroadWorks clusters (one per XSP farm) and the form that adds one.</summary>
public sealed class IndexModel(FlowthroughDbContext db, TimeProvider time, IStringLocalizer<ConfigText> config) : PageModel
{
    public sealed record Row(Guid Id, string Name, string XsiActionsUrl, string? AuthServiceUrl, bool DirectAuth, bool Disabled = false);

    [BindProperty]
    public ClusterInput Input { get; set; } = new();

    [TempData]
    public string? StatusMessage { get; set; }

    public IReadOnlyList<Row> Rows { get; private set; } = [];

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostAsync()
    {
        Input.Validate(ModelState, nameof(Input), config);
        if (!ModelState.IsValid)
        {
            await LoadAsync();
            return Page();
        }

        var cluster = new BroadWorksCluster { PartnerId = User.PartnerId(), Name = "", XsiActionsUrl = "" };
        Input.ApplyTo(cluster);
        db.Clusters.Add(cluster);
        AdminAudit.Record(db, User, "cluster.create", cluster.Id.ToString(), time.GetUtcNow().UtcDateTime,
            new { cluster.Name, cluster.XsiActionsUrl, cluster.AuthServiceUrl, cluster.DirectAuth });
        await db.SaveChangesAsync(HttpContext.RequestAborted);
        StatusMessage = ClusterInput.LooksLikeXsiActions(cluster.XsiActionsUrl)
            ? config["Cluster_Created", cluster.Name]
            : $"{config["Cluster_Created", cluster.Name]} {config["Warn_XsiSuffix", ClusterInput.XsiActionsSuffix]}";
        return Redirect($"/partner/clusters/{cluster.Id}");
    }

    private async Task LoadAsync()
    {
        var partnerId = User.PartnerId();
        Rows = await db.Clusters.AsNoTracking().Where(c => c.PartnerId == partnerId).OrderBy(c => c.Name)
            .Select(c => new Row(c.Id, c.Name, c.XsiActionsUrl, c.AuthServiceUrl, c.DirectAuth, c.Disabled))
            .ToListAsync(HttpContext.RequestAborted);
    }
}
