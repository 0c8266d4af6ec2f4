using Flowthrough.Data;
using Flowthrough.Provisioning.Targets;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Flowthrough.PartnerHub.Targets;

/// <summary>
/// The confirmation before a target is deleted. Refused while a template provisions into it (the template must be
/// pointed elsewhere first) or while Delete User calls to it are still pending.
/// </summary>
public sealed class DeleteModel(FlowthroughDbContext db, TimeProvider time, IStringLocalizer<TargetsText> text) : PageModel
{
    [TempData]
    public string? StatusMessage { get; set; }

    public Guid Id { get; private set; }

    public string Name { get; private set; } = "";

    public IReadOnlyList<string> Templates { get; private set; } = [];

    public int PendingRemovals { get; private set; }

    public bool Refused => Templates.Count > 0 || PendingRemovals > 0;

    public async Task<IActionResult> OnGetAsync(Guid id) => await LoadAsync(id) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(Guid id)
    {
        if (!await LoadAsync(id))
        {
            return NotFound();
        }

        if (Refused)
        {
            return Page();
        }

        var partnerId = User.PartnerId();
        AdminAudit.Record(db, User, "target.delete", id.ToString(), time.GetUtcNow().UtcDateTime, new { Name });
        await using var transaction = await db.Database.BeginTransactionAsync(HttpContext.RequestAborted);
        try
        {
            await db.ProvisioningTargets.Where(t => t.Id == id && t.PartnerId == partnerId).ExecuteDeleteAsync(HttpContext.RequestAborted);
            await db.SaveChangesAsync(HttpContext.RequestAborted);
            await transaction.CommitAsync(HttpContext.RequestAborted);
        }
        catch (DbUpdateException)
        {
            // A template was pointed at the target after the check: the foreign key refused the delete.
            await transaction.RollbackAsync(HttpContext.RequestAborted);
            db.ChangeTracker.Clear();
            await LoadAsync(id);
            return Page();
        }

        StatusMessage = text["Target_Deleted", Name];
        return Redirect("/partner/targets");
    }

    private async Task<bool> LoadAsync(Guid id)
    {
        var partnerId = User.PartnerId();
        var name = await db.ProvisioningTargets.AsNoTracking().Where(t => t.Id == id && t.PartnerId == partnerId && t.Kind == TargetKind.Scim)
            .Select(t => t.Name).FirstOrDefaultAsync(HttpContext.RequestAborted);
        if (name is null)
        {
            return false;
        }

        Id = id;
        Name = name;
        Templates = await TargetUse.TemplatesAsync(db, partnerId, id, HttpContext.RequestAborted);
        PendingRemovals = await TargetUse.PendingRemovalsAsync(db, partnerId, id, HttpContext.RequestAborted);
        return true;
    }
}
