using System.Globalization;
using System.Security.Claims;
using Flowthrough.Data;
using Flowthrough.Partners;
using Flowthrough.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Flowthrough.PartnerHub;

public sealed class SignInModel(FlowthroughDbContext db, LoginThrottle throttle, IStringLocalizer<HubText> text) : PageModel
{
    [BindProperty]
    public string? Email { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    public IActionResult OnGet() =>
        User.HasClaim(c => c.Type == PartnerHubSetup.AdminClaim) ? Redirect("/partner/settings") : Page();

    public async Task<IActionResult> OnPostAsync(string? returnUrl)
    {
        if (string.IsNullOrWhiteSpace(Email) || string.IsNullOrEmpty(Password))
        {
            ModelState.AddModelError(string.Empty, text["SignIn_Required"]);
            return Page();
        }

        var email = Email.Trim();
        var key = $"hub-admin:{email.ToLowerInvariant()}";
        if (await throttle.LockedForAsync(key, HttpContext.RequestAborted) is { } wait)
        {
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            ModelState.AddModelError(string.Empty, text["SignIn_Locked", (int)Math.Ceiling(wait.TotalMinutes)]);
            return Page();
        }

        var admin = await db.PartnerAdmins.AsNoTracking().FirstOrDefaultAsync(a => a.Email == email, HttpContext.RequestAborted);
        var hasher = new PasswordHasher<PartnerAdmin>();
        var verified = admin is not null
            && hasher.VerifyHashedPassword(admin, admin.PasswordHash, Password) != PasswordVerificationResult.Failed;
        if (!verified)
        {
            await throttle.RecordFailureAsync(key, HttpContext.RequestAborted);
            await throttle.DelayFailureAsync(HttpContext.RequestAborted);
            ModelState.AddModelError(string.Empty, text["SignIn_Invalid"]);
            Password = null;
            return Page();
        }

        await throttle.ResetAsync(key, HttpContext.RequestAborted);
        var identity = new ClaimsIdentity(
        [
            new Claim(ClaimTypes.Name, admin!.Email),
            new Claim(PartnerHubSetup.AdminClaim, admin.Id.ToString()),
            new Claim(PartnerHubSetup.PartnerClaim, admin.PartnerId.ToString()),
            new Claim(PartnerHubSetup.RoleClaim, admin.Role.ToString()),
        ], PartnerHubSetup.Scheme, ClaimTypes.Name, PartnerHubSetup.RoleClaim);
        await HttpContext.SignInAsync(PartnerHubSetup.Scheme, new ClaimsPrincipal(identity));
        return LocalRedirect(Url.IsLocalUrl(returnUrl) ? returnUrl! : "/partner/settings");
    }

    public async Task<IActionResult> OnPostSignOutAsync()
    {
        await HttpContext.SignOutAsync(PartnerHubSetup.Scheme);
        return Redirect("/partner/signin");
    }
}
