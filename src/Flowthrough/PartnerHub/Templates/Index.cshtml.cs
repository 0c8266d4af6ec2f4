using Flowthrough.Data;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.PartnerHub.Templates;

/// <summary>The partner's onboarding templates, reached from Settings → BroadWorks Calling and from Customers.</summary>
public sealed class IndexModel(FlowthroughDbContext db) : PageModel
{
    public sealed record Row(Guid Id, string Name, string ProvisioningId, bool FlowThrough, bool Untrusted, bool SelfActivation,
        bool Disabled = false);

    public IReadOnlyList<Row> Rows { get; private set; } = [];

    public async Task OnGetAsync()
    {
        var partnerId = User.PartnerId();
        Rows = await db.Templates.AsNoTracking().Where(t => t.PartnerId == partnerId).OrderBy(t => t.Name)
            .Select(t => new Row(t.Id, t.Name, t.ProvisioningId, t.FlowThroughEnabled,
                t.EmailTrust == Flowthrough.Templates.EmailTrust.Untrusted, t.AllowSelfActivation,
                t.Disabled || db.Clusters.Any(c => c.Id == t.ClusterId && c.Disabled)))
            .ToListAsync(HttpContext.RequestAborted);
    }
}
