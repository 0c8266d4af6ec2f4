using System.Globalization;
using Flowthrough.Data;
using Flowthrough.Partners;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace Flowthrough.PartnerHub.Admins;

/// <summary>
/// Settings → Administrators: who signs in to Partner Hub for this partner, with their role, last sign-in and
/// pending invitations; invite, re-send, change role. Removal confirms on its own page (<see cref="RemoveModel"/>).
/// The rules (one full admin always left, links single use) live in <see cref="AdminAccounts"/>.
/// </summary>
public sealed class IndexModel(
    FlowthroughDbContext db,
    AdminAccounts accounts,
    TimeProvider time,
    IOptions<AdminOptions> options,
    IStringLocalizer<AdminsText> text) : PageModel
{
    public sealed record Row(Guid Id, string Email, PartnerAdminRole Role, DateTime? LastSignInAt, bool Pending,
        DateTime? LinkExpiresAt);

    [BindProperty]
    public InviteInput Input { get; set; } = new();

    [TempData]
    public string? StatusMessage { get; set; }

    public IReadOnlyList<Row> Rows { get; private set; } = [];

    public DateTime Now { get; private set; }

    public int LinkDays => Math.Max(1, (int)Math.Round(options.Value.InvitationLifetime.TotalDays));

    public sealed class InviteInput
    {
        public string? Email { get; set; }
        public PartnerAdminRole? Role { get; set; } = PartnerAdminRole.FullAdmin;
    }

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostAsync()
    {
        var email = FormChecks.Clean(Input.Email);
        if (email is null || !FormChecks.IsEmail(email))
        {
            ModelState.AddModelError("Input.Email", text["Val_Email"]);
        }

        if (Input.Role is not { } role || !Enum.IsDefined(role))
        {
            ModelState.AddModelError("Input.Role", text["Val_Role"]);
        }

        if (!ModelState.IsValid)
        {
            await LoadAsync();
            return Page();
        }

        var result = await accounts.InviteAsync(User.PartnerId(), email, Input.Role!.Value, Language,
            (context, admin) => Audit(context, "admin.invite", admin), HttpContext.RequestAborted);
        switch (result.Outcome)
        {
            case InviteOutcome.Invited:
                StatusMessage = text["Invited", result.Admin!.Email];
                return RedirectToPage();
            case InviteOutcome.Reinvited:
                StatusMessage = text["Reinvited", result.Admin!.Email];
                return RedirectToPage();
            case InviteOutcome.AlreadyActive:
                ModelState.AddModelError("Input.Email", text["Val_AlreadyActive", email!]);
                break;
            case InviteOutcome.TakenElsewhere:
                ModelState.AddModelError("Input.Email", text["Val_TakenElsewhere", email!]);
                break;
            default:
                ModelState.AddModelError("Input.Email", text["Val_Email"]);
                break;
        }

        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostResendAsync(Guid id)
    {
        var result = await accounts.ResendAsync(User.PartnerId(), id, Language,
            (context, admin) => Audit(context, "admin.invite", admin), HttpContext.RequestAborted);
        StatusMessage = result.Outcome switch
        {
            InviteOutcome.Reinvited => text["Reinvited", result.Admin!.Email],
            InviteOutcome.AlreadyActive => text["Val_AlreadyActive", result.Admin!.Email],
            _ => text["NotFound"],
        };
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostRoleAsync(Guid id, PartnerAdminRole role)
    {
        if (!Enum.IsDefined(role))
        {
            return BadRequest();
        }

        PartnerAdmin? changed = null;
        var outcome = await accounts.ChangeRoleAsync(User.PartnerId(), id, role, (context, admin) =>
        {
            changed = admin;
            Audit(context, "admin.role", admin);
        }, HttpContext.RequestAborted);
        StatusMessage = await MessageAsync(outcome, id, changed, admin => text["RoleChanged", admin.Email, text["Role_" + admin.Role]]);
        return RedirectToPage();
    }

    /// <summary>The status line for a guarded change: done, unchanged, refused for the last full admin, or gone.</summary>
    internal async Task<string?> MessageAsync(AdminChange outcome, Guid id, PartnerAdmin? changed, Func<PartnerAdmin, string> done)
    {
        var partnerId = User.PartnerId();
        var email = changed?.Email ?? await db.PartnerAdmins.Where(a => a.Id == id && a.PartnerId == partnerId).Select(a => a.Email)
            .FirstOrDefaultAsync(HttpContext.RequestAborted);
        return outcome switch
        {
            AdminChange.Done => done(changed!),
            AdminChange.LastFullAdmin => text["LastFullAdmin", email ?? ""],
            AdminChange.Unchanged => null,
            _ => text["NotFound"],
        };
    }

    private void Audit(FlowthroughDbContext context, string action, PartnerAdmin admin) =>
        AdminAudit.Record(context, User, action, admin.Id.ToString(), time.GetUtcNow().UtcDateTime,
            new { admin.Email, role = admin.Role.ToString() });

    /// <summary>The invitation goes out in the language the inviting admin uses Partner Hub in.</summary>
    private static string Language => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName;

    private async Task LoadAsync()
    {
        var partnerId = User.PartnerId();
        Now = time.GetUtcNow().UtcDateTime;
        var admins = await db.PartnerAdmins.AsNoTracking().Where(a => a.PartnerId == partnerId)
            .OrderBy(a => a.Email).ToListAsync(HttpContext.RequestAborted);
        var ids = admins.Select(a => a.Id).ToList();
        var links = await db.AdminInvitations.AsNoTracking().Where(i => ids.Contains(i.AdminId) && i.UsedAt == null)
            .GroupBy(i => i.AdminId).Select(g => new { AdminId = g.Key, ExpiresAt = g.Max(i => i.ExpiresAt) })
            .ToDictionaryAsync(l => l.AdminId, l => l.ExpiresAt, HttpContext.RequestAborted);
        Rows = admins.Select(a => new Row(a.Id, a.Email, a.Role, a.LastSignInAt, a.IsPending,
            links.TryGetValue(a.Id, out var expires) ? expires : null)).ToList();
    }

    public static string Format(DateTime value) => value.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
