using System.Globalization;
using System.Security.Claims;
using Flowthrough.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Flowthrough.Activation;

public sealed class SignInModel(FlowthroughDbContext db, PortalSignIn portalSignIn, IStringLocalizer<PortalText> text)
    : PageModel
{
    [BindProperty]
    public InputModel Input { get; set; } = new();

    public PortalTemplate Portal { get; private set; } = null!;

    public sealed class InputModel
    {
        public string? UserId { get; set; }
        public string? Password { get; set; }
    }

    public async Task<IActionResult> OnGetAsync(string slug)
    {
        if (await LoadAsync(slug) is { } missing)
        {
            return missing;
        }

        if (User.SubscriberId() is not null && User.FindFirstValue(PortalSetup.TemplateClaim) == Portal.Template.Id.ToString())
        {
            return RedirectToPage("/Activation/Me", new { slug });
        }

        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string slug)
    {
        if (await LoadAsync(slug) is { } missing)
        {
            return missing;
        }

        if (string.IsNullOrWhiteSpace(Input.UserId) || string.IsNullOrEmpty(Input.Password))
        {
            ModelState.AddModelError(string.Empty, text["SignIn_Required"]);
            return Page();
        }

        var result = await portalSignIn.SignInAsync(Portal.Template, Input.UserId, Input.Password,
            HttpContext.Connection.RemoteIpAddress?.ToString(), HttpContext.RequestAborted);
        Input.Password = null;
        switch (result.Outcome)
        {
            case SignInOutcome.SignedIn:
                var identity = new ClaimsIdentity(
                    [
                        new Claim(PortalSetup.SubscriberClaim, result.Subscriber!.Id.ToString()),
                        new Claim(PortalSetup.TemplateClaim, Portal.Template.Id.ToString()),
                    ], PortalSetup.Scheme);
                await HttpContext.SignInAsync(PortalSetup.Scheme, new ClaimsPrincipal(identity));
                return RedirectToPage("/Activation/Me", new { slug });
            case SignInOutcome.LockedOut:
                var minutes = (int)Math.Ceiling(result.RetryAfter!.Value.TotalMinutes);
                Response.StatusCode = StatusCodes.Status429TooManyRequests;
                Response.Headers.RetryAfter = ((int)Math.Ceiling(result.RetryAfter.Value.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                ModelState.AddModelError(string.Empty, text["SignIn_Locked", minutes]);
                return Page();
            case SignInOutcome.Unavailable:
                ModelState.AddModelError(string.Empty, text["SignIn_Unavailable"]);
                return Page();
            case SignInOutcome.NotEnabled:
                ModelState.AddModelError(string.Empty, text["SignIn_NotEnabled"]);
                return Page();
            case SignInOutcome.NotEntitled:
                ModelState.AddModelError(string.Empty, text["SignIn_NotEntitled"]);
                return Page();
            case SignInOutcome.Disabled:
                ModelState.AddModelError(string.Empty, text["SignIn_Disabled"]);
                return Page();
            default:
                ModelState.AddModelError(string.Empty, text["SignIn_Invalid"]);
                return Page();
        }
    }

    private async Task<IActionResult?> LoadAsync(string slug)
    {
        var portal = await PortalTemplate.FindAsync(db, slug, HttpContext.RequestAborted);
        if (portal is null)
        {
            return NotFound();
        }

        Portal = portal;
        ViewData["PartnerName"] = portal.PartnerName;
        return null;
    }
}
