using Flowthrough.Partners;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Flowthrough.PartnerHub.Admins;

/// <summary>
/// The set-password link of an invitation (or of the create-admin command), open without signing in. A GET only
/// shows the form (a mail scanner uses nothing); the POST sets the password under <see cref="AdminPassword"/>'s
/// rules, uses the link up and signs the admin in.
/// </summary>
public sealed class SetPasswordModel(AdminAccounts accounts, IStringLocalizer<AdminsText> text) : PageModel
{
    [BindProperty]
    public string? Password { get; set; }

    [BindProperty]
    public string? Repeat { get; set; }

    [TempData]
    public string? StatusMessage { get; set; }

    public LinkState State { get; private set; }

    public string? Email { get; private set; }

    public async Task<IActionResult> OnGetAsync(string token)
    {
        Protect();
        (State, var admin) = await accounts.CheckLinkAsync(token, HttpContext.RequestAborted);
        Email = admin?.Email;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string token)
    {
        Protect();
        var (password, repeat) = (Password, Repeat);
        Password = Repeat = null;
        if (password != repeat && password is not null)
        {
            var (state, admin) = await accounts.CheckLinkAsync(token, HttpContext.RequestAborted);
            (State, Email) = (state, admin?.Email);
            if (state == LinkState.Ready)
            {
                ModelState.AddModelError(nameof(Password), text["Set_Mismatch"]);
            }

            return Page();
        }

        var result = await accounts.SetPasswordAsync(token, password, HttpContext.RequestAborted);
        (State, Email) = (result.State, result.Admin?.Email);
        if (result.State != LinkState.Ready)
        {
            return Page();
        }

        if (result.Problem != PasswordProblem.None)
        {
            ModelState.AddModelError(nameof(Password), result.Problem switch
            {
                PasswordProblem.TooLong => text["Set_TooLong", AdminPassword.MaxLength],
                PasswordProblem.ContainsEmail => text["Set_ContainsEmail"],
                _ => text["Set_TooShort", AdminPassword.MinLength],
            });
            return Page();
        }

        await PartnerHubSetup.SignInAsync(HttpContext, result.Admin!);
        StatusMessage = text["Set_Done"];
        return LocalRedirect("/partner/settings");
    }

    /// <summary>
    /// The token is in the address: keep it out of the Referer of any link followed from here. (The form's
    /// antiforgery token already makes the page no-store.)
    /// </summary>
    private void Protect() => Response.Headers["Referrer-Policy"] = "no-referrer";
}
