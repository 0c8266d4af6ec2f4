using Flowthrough.Subscribers;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Flowthrough.Activation;

/// <summary>
/// The link from the verification email. Opening it only shows a button: mail scanners that fetch links must
/// not verify anyone. It works in any browser, signed in or not.
/// </summary>
public sealed class VerifyModel(EmailVerificationService verification) : PageModel
{
    public LinkOutcome Outcome { get; private set; }

    public string MaskedEmail { get; private set; } = "";

    public async Task OnGetAsync(string token) => await UseAsync(token, confirm: false);

    public async Task OnPostAsync(string token) => await UseAsync(token, confirm: true);

    private async Task UseAsync(string token, bool confirm)
    {
        var (outcome, email) = await verification.UseLinkAsync(token, confirm, HttpContext.RequestAborted);
        Outcome = outcome;
        MaskedEmail = EmailVerificationService.Mask(email);
        if (outcome is LinkOutcome.Unknown)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
        }
        else if (outcome is LinkOutcome.Expired or LinkOutcome.Used && !confirm)
        {
            Response.StatusCode = StatusCodes.Status410Gone;
        }
    }
}
