using Flowthrough.Subscribers;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Flowthrough.Activation;

/// <summary>"Activate Account": the owner of a consumer account agrees to move it into the organisation. GET shows, POST confirms.</summary>
public sealed class ConsentModel(EmailVerificationService verification) : PageModel
{
    public LinkOutcome Outcome { get; private set; }

    public string MaskedEmail { get; private set; } = "";

    public async Task OnGetAsync(string token) => await UseAsync(token, confirm: false);

    public async Task OnPostAsync(string token) => await UseAsync(token, confirm: true);

    private async Task UseAsync(string token, bool confirm)
    {
        var (outcome, email) = await verification.UseConsentLinkAsync(token, confirm, HttpContext.RequestAborted);
        Outcome = outcome;
        MaskedEmail = EmailVerificationService.Mask(email);
        if (Outcome == LinkOutcome.Unknown)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
        }
    }
}
