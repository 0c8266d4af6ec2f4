using Flowthrough.Data;
using Flowthrough.Partners;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Flowthrough.PartnerHub.Admins;

/// <summary>
/// The confirmation before an admin is removed: a page of its own, so it works without JavaScript and says plainly
/// when the admin is the one signed in (who is then signed out). The last full admin is refused by <see cref="AdminAccounts"/>.
/// </summary>
public sealed class RemoveModel(FlowthroughDbContext db, AdminAccounts accounts, TimeProvider time,
    IStringLocalizer<AdminsText> text) : PageModel
{
    [TempData]
    public string? StatusMessage { get; set; }

    public PartnerAdmin Admin { get; private set; } = null!;

    public bool IsSelf => Admin.Id == User.AdminId();

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        var partnerId = User.PartnerId();
        if (await db.PartnerAdmins.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id && a.PartnerId == partnerId,
                HttpContext.RequestAborted) is not { } admin)
        {
            return NotFound();
        }

        Admin = admin;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id)
    {
        PartnerAdmin? removed = null;
        var outcome = await accounts.RemoveAsync(User.PartnerId(), id, (context, admin) =>
        {
            removed = admin;
            AdminAudit.Record(context, User, "admin.remove", admin.Id.ToString(), time.GetUtcNow().UtcDateTime,
                new { admin.Email, role = admin.Role.ToString() });
        }, HttpContext.RequestAborted);
        switch (outcome)
        {
            case AdminChange.Done when removed!.Id == User.AdminId():
                await HttpContext.SignOutAsync(PartnerHubSetup.Scheme);
                return RedirectToPage("/PartnerHub/SignIn");
            case AdminChange.Done:
                StatusMessage = text["Removed", removed!.Email];
                break;
            case AdminChange.LastFullAdmin:
                var partnerId = User.PartnerId();
                var email = await db.PartnerAdmins.Where(a => a.Id == id && a.PartnerId == partnerId).Select(a => a.Email)
                    .FirstOrDefaultAsync(HttpContext.RequestAborted);
                StatusMessage = text["LastFullAdmin", email ?? ""];
                break;
            default:
                // No such admin of this partner (another partner's ID, or removed meanwhile): as the GET answers.
                return NotFound();
        }

        return RedirectToPage("Index");
    }
}
