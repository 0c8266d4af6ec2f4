using Flowthrough.Data;
using Flowthrough.Operations;
using Flowthrough.Templates;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace Flowthrough.PartnerHub.Templates;

/// <summary>
/// One template: its settings, the derived IDs and links, the User Verification section, and whether it takes new
/// users (disable / enable; what that means lives in <see cref="TemplateAvailability"/>).
/// </summary>
public sealed class DetailsModel(FlowthroughDbContext db, IOptions<AppOptions> app, TemplateLifecycle lifecycle,
    TimeProvider time, IStringLocalizer<LifecycleText> text, Flowthrough.Provisioning.Targets.TargetGates gates) : PageModel
{
    public Availability Availability { get; private set; }

    public OnboardingTemplate Template { get; private set; } = null!;

    public string ClusterName { get; private set; } = "";

    public Targets.TemplateTarget Target { get; private set; } = null!;

    public string AdapterUrl => $"{app.Value.BaseUrl}/bridge/{Template.ProvisioningId}";

    public string ShareLink => $"{app.Value.BaseUrl}/activate/{Template.ActivationSlug}";

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        var partnerId = User.PartnerId();
        var template = await db.Templates.FindOwnAsync(partnerId, id, HttpContext.RequestAborted);
        if (template is null)
        {
            return NotFound();
        }

        Template = template;
        ClusterName = await db.Clusters.Where(c => c.Id == template.ClusterId).Select(c => c.Name)
            .FirstOrDefaultAsync(HttpContext.RequestAborted) ?? "";
        Target = await Targets.TemplateTarget.OfAsync(db, gates, partnerId, template.TargetId, HttpContext.RequestAborted);
        Availability = await TemplateAvailability.OfAsync(db, template, HttpContext.RequestAborted);
        return Page();
    }

    public Task<IActionResult> OnPostAvailabilityAsync(Guid id, bool disabled) =>
        Switching.ApplyAsync<OnboardingTemplate>(this, lifecycle, time, text, "template", id, disabled,
            $"/partner/templates/{id}");
}
