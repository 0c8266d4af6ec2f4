using Flowthrough.Data;
using Flowthrough.Provisioning.Targets;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.PartnerHub.Targets;

/// <summary>
/// Settings → Provisioning targets: the built-in directory (the default, always first) and the partner's SCIM targets,
/// with the templates that use each and its circuit breaker.
/// </summary>
public sealed class IndexModel(FlowthroughDbContext db, TargetGates gates) : PageModel
{
    public sealed record Row(TemplateTarget Target, TargetKind Kind, string? BaseUrl, IReadOnlyList<string> Templates);

    [TempData]
    public string? StatusMessage { get; set; }

    public IReadOnlyList<Row> Rows { get; private set; } = [];

    public async Task OnGetAsync()
    {
        var partnerId = User.PartnerId();
        var cancel = HttpContext.RequestAborted;
        var targets = await db.ProvisioningTargets.AsNoTracking().Where(t => t.PartnerId == partnerId).OrderBy(t => t.Name)
            .Select(t => new { t.Id, t.Name, t.Kind, t.BaseUrl }).ToListAsync(cancel);
        var templates = await db.Templates.AsNoTracking().Where(t => t.PartnerId == partnerId).OrderBy(t => t.Name)
            .Select(t => new { t.TargetId, t.Name }).ToListAsync(cancel);
        IReadOnlyList<string> UsedBy(Guid? id) => [.. templates.Where(t => t.TargetId == id).Select(t => t.Name)];
        Rows =
        [
            new Row(TemplateTarget.BuiltIn(gates), TargetKind.BuiltInDirectory, null, UsedBy(null)),
            .. targets.Select(t => new Row(new TemplateTarget(t.Id, t.Name, gates.StateOf(t.Id)), t.Kind, t.BaseUrl, UsedBy(t.Id))),
        ];
    }
}
