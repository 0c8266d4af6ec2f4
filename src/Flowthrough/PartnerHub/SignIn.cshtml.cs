using System.Globalization;
using Flowthrough.Partners;
using Flowthrough.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Flowthrough.PartnerHub;

public sealed class SignInModel(AdminAccounts accounts, LoginThrottle throttle, IStringLocalizer<HubText> text) : PageModel
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

        var admin = await accounts.VerifyAsync(email, Password, HttpContext.RequestAborted);
        if (admin is null)
        {
            await throttle.RecordFailureAsync(key, HttpContext.RequestAborted);
            await throttle.DelayFailureAsync(HttpContext.RequestAborted);
            ModelState.AddModelError(string.Empty, text["SignIn_Invalid"]);
            Password = null;
            return Page();
        }

        await throttle.ResetAsync(key, HttpContext.RequestAborted);
        await PartnerHubSetup.SignInAsync(HttpContext, admin);
        return LocalRedirect(Url.IsLocalUrl(returnUrl) ? returnUrl! : "/partner/settings");
    }

    public async Task<IActionResult> OnPostSignOutAsync()
    {
        await HttpContext.SignOutAsync(PartnerHubSetup.Scheme);
        return Redirect("/partner/signin");
    }
}
