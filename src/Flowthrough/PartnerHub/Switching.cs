using Flowthrough.Templates;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Flowthrough.PartnerHub;

/// <summary>The Disable / Enable button of a template's or a cluster's page: one handler body for both, audited.</summary>
public static class Switching
{
    /// <param name="kind">"template" or "cluster": names the audit action and the status line.</param>
    public static async Task<IActionResult> ApplyAsync<T>(PageModel page, TemplateLifecycle lifecycle, TimeProvider time,
        IStringLocalizer<LifecycleText> text, string kind, Guid id, bool disabled, string back)
        where T : class, ISwitchable
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(lifecycle);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(text);
        var verb = disabled ? "disable" : "enable";
        var item = await lifecycle.SetDisabledAsync<T>(page.User.PartnerId(), id, disabled,
            (context, x) => AdminAudit.Record(context, page.User, $"{kind}.{verb}", x.Id.ToString(),
                time.GetUtcNow().UtcDateTime, new { x.Name }), page.HttpContext.RequestAborted);
        if (item is null)
        {
            return new NotFoundResult();
        }

        var key = $"{char.ToUpperInvariant(kind[0])}{kind[1..]}_{(disabled ? "Disabled" : "Enabled")}Message";
        page.TempData["StatusMessage"] = text[key, item.Name].Value;
        return new RedirectResult(back);
    }
}
