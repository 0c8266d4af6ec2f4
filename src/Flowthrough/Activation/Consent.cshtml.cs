using Flowthrough.Data;
using Flowthrough.Email;
using Flowthrough.Subscribers;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.Activation;

/// <summary>"Activate Account": the owner of a consumer account agrees to move it into the organisation. GET shows, POST confirms.</summary>
public sealed class ConsentModel(FlowthroughDbContext db, ProvisioningSignal provisioning, TimeProvider time) : PageModel
{
    public LinkOutcome Outcome { get; private set; }

    public string MaskedEmail { get; private set; } = "";

    public async Task OnGetAsync(string token) => await UseAsync(token, confirm: false);

    public async Task OnPostAsync(string token) => await UseAsync(token, confirm: true);

    private async Task UseAsync(string token, bool confirm)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var hash = Secrets.Hash(token);
        var verification = await db.EmailVerifications.FirstOrDefaultAsync(
            v => v.LinkTokenHash == hash && v.Purpose == VerificationPurpose.ConsentMove, HttpContext.RequestAborted);
        var subscriber = verification is null
            ? null
            : await db.Subscribers.FirstOrDefaultAsync(s => s.Id == verification.SubscriberId, HttpContext.RequestAborted);
        MaskedEmail = EmailVerificationService.Mask(verification?.Email);
        Outcome = verification switch
        {
            null => LinkOutcome.Unknown,
            { UsedAt: not null } => LinkOutcome.Used,
            _ when verification.ExpiresAt <= now || subscriber?.Status != SubscriberStatus.PendingUserMigration => LinkOutcome.Expired,
            _ => LinkOutcome.Ready,
        };
        if (Outcome == LinkOutcome.Unknown)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
        }

        if (!confirm || Outcome != LinkOutcome.Ready)
        {
            return;
        }

        verification!.UsedAt = now;
        subscriber!.ConfirmMigrationConsent(Actors.Subscriber, now);
        await db.SaveChangesAsync(HttpContext.RequestAborted);
        provisioning.Notify();
        Outcome = LinkOutcome.Verified;
    }
}
