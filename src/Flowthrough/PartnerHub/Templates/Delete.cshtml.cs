using Flowthrough.Templates;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Flowthrough.PartnerHub.Templates;

/// <summary>The confirmation before a template is deleted, naming what goes with it (<see cref="TemplateLifecycle"/>).</summary>
public sealed class DeleteModel(TemplateLifecycle lifecycle, TimeProvider time, IStringLocalizer<LifecycleText> text) : PageModel
{
    [TempData]
    public string? StatusMessage { get; set; }

    public TemplateFootprint Footprint { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        if (await lifecycle.TemplateFootprintAsync(User.PartnerId(), id, HttpContext.RequestAborted) is not { } footprint)
        {
            return NotFound();
        }

        Footprint = footprint;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id)
    {
        if (await lifecycle.TemplateFootprintAsync(User.PartnerId(), id, HttpContext.RequestAborted) is not { } footprint)
        {
            return NotFound();
        }

        var removed = await lifecycle.DeleteTemplateAsync(User.PartnerId(), id, User.Actor(),
            db => AdminAudit.Record(db, User, "template.delete", id.ToString(), time.GetUtcNow().UtcDateTime,
                new { footprint.Name, footprint.Subscribers }), HttpContext.RequestAborted);
        StatusMessage = text["Template_Deleted", footprint.Name, removed ?? 0];
        return Redirect("/partner/templates");
    }
}
