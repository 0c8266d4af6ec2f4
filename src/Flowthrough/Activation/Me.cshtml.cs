using System.Globalization;
using Flowthrough.Data;
using Flowthrough.Provisioning;
using Flowthrough.Subscribers;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace Flowthrough.Activation;

/// <summary>The signed-in subscriber's own page: what their status needs from them next.</summary>
public sealed class MeModel(
    FlowthroughDbContext db,
    EmailVerificationService verification,
    SubscriberOperations operations,
    IStringLocalizer<PortalText> text,
    IOptions<PortalOptions> options) : PageModel
{
    [BindProperty]
    public string? Email { get; set; }

    [BindProperty]
    public string? Code { get; set; }

    [TempData]
    public string? StatusMessage { get; set; }

    public PortalTemplate Portal { get; private set; } = null!;

    public Subscriber Subscriber { get; private set; } = null!;

    /// <summary>"Use a different email" shows the email form again while a code is pending.</summary>
    public bool ChangingEmail { get; private set; }

    public int CooldownSeconds { get; private set; }

    public bool TryAgainExhausted { get; private set; }

    public string Reference => SubscriberDisplay.ReferenceOf(Subscriber.Id);

    public IReadOnlyList<DownloadLink> Downloads => options.Value.Downloads;

    /// <summary>What the subscriber reads about their error: the catalogue's text in their language.</summary>
    public string ErrorText =>
        SubscriberDisplay.ErrorText(Subscriber.ErrorCode, Subscriber.ErrorDescription, Subscriber.ErrorReference);

    public async Task<IActionResult> OnGetAsync(string slug, bool change = false)
    {
        if (await LoadAsync(slug) is { } redirect)
        {
            return redirect;
        }

        ChangingEmail = change && Subscriber.Status == SubscriberStatus.PendingEmailValidation;
        Email ??= Subscriber.Status == SubscriberStatus.PendingEmailInput && Portal.Template.PrefillUserEmail
            ? Subscriber.Email
            : null;
        return Page();
    }

    /// <summary>Polled by the progress page so that it follows the status without a manual reload.</summary>
    public async Task<IActionResult> OnGetStatusAsync(string slug)
    {
        if (await LoadAsync(slug) is { } redirect)
        {
            return redirect;
        }

        return new JsonResult(new { status = Subscriber.Status.ToWire(), blockedReason = Subscriber.BlockedReason });
    }

    public async Task<IActionResult> OnPostEmailAsync(string slug)
    {
        if (await LoadAsync(slug) is { } redirect)
        {
            return redirect;
        }

        ChangingEmail = Subscriber.Status == SubscriberStatus.PendingEmailValidation;
        if (Subscriber.Status is not (SubscriberStatus.PendingEmailInput or SubscriberStatus.PendingEmailValidation
            or SubscriberStatus.Error))
        {
            return RedirectToPage(new { slug });
        }

        var email = Email?.Trim() ?? "";
        if (!SubscriberValidation.IsEmail(email))
        {
            ModelState.AddModelError(nameof(Email), text["Email_Invalid"]);
            return Page();
        }

        return await SendAsync(slug, email, resend: false);
    }

    public async Task<IActionResult> OnPostResendAsync(string slug)
    {
        if (await LoadAsync(slug) is { } redirect)
        {
            return redirect;
        }

        if (Subscriber.Status != SubscriberStatus.PendingEmailValidation || Subscriber.Email is null)
        {
            return RedirectToPage(new { slug });
        }

        return await SendAsync(slug, Subscriber.Email, resend: true);
    }

    private async Task<IActionResult> SendAsync(string slug, string email, bool resend)
    {
        var result = await verification.SendAsync(Subscriber, Portal.Template, email, HttpContext.RequestAborted);
        if (result.Outcome is SendOutcome.Sent or SendOutcome.NotAllowed)
        {
            // The code page itself names the address; a resend only needs to say that it happened.
            StatusMessage = resend ? text["Email_Resent"].Value : null;
            return RedirectToPage(new { slug });
        }

        Response.StatusCode = StatusCodes.Status429TooManyRequests;
        var seconds = (int)Math.Ceiling(result.RetryAfter.TotalSeconds);
        Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        CooldownSeconds = result.Outcome == SendOutcome.Cooldown ? seconds : 0;
        ModelState.AddModelError(string.Empty, result.Outcome == SendOutcome.Cooldown
            ? text["Email_Cooldown", seconds]
            : text["Email_Quota", (int)Math.Ceiling(result.RetryAfter.TotalMinutes)]);
        return Page();
    }

    public async Task<IActionResult> OnPostCodeAsync(string slug)
    {
        if (await LoadAsync(slug) is { } redirect)
        {
            return redirect;
        }

        if (Subscriber.Status != SubscriberStatus.PendingEmailValidation)
        {
            return RedirectToPage(new { slug });
        }

        var result = await verification.VerifyCodeAsync(Subscriber, Code ?? "", HttpContext.RequestAborted);
        switch (result.Outcome)
        {
            case CodeOutcome.Verified:
                return RedirectToPage(new { slug });
            case CodeOutcome.Wrong:
                ModelState.AddModelError(nameof(Code), text["Code_Wrong", result.AttemptsLeft]);
                break;
            case CodeOutcome.Expired:
                ModelState.AddModelError(nameof(Code), text["Code_Expired"]);
                break;
            case CodeOutcome.TooManyAttempts:
                ModelState.AddModelError(nameof(Code), text["Code_TooMany"]);
                break;
            default:
                ModelState.AddModelError(nameof(Code), text["Code_None"]);
                break;
        }

        CooldownSeconds = (int)Math.Ceiling((await verification.CooldownLeftAsync(Subscriber.Id, HttpContext.RequestAborted)).TotalSeconds);
        return Page();
    }

    public async Task<IActionResult> OnPostTryAgainAsync(string slug)
    {
        if (await LoadAsync(slug) is { } redirect)
        {
            return redirect;
        }

        await operations.TryAgainAsync(Subscriber.Id, options.Value.MaxTryAgainPerDay, HttpContext.RequestAborted);
        return RedirectToPage(new { slug });
    }

    public async Task<IActionResult> OnPostResendConsentAsync(string slug)
    {
        if (await LoadAsync(slug) is { } redirect)
        {
            return redirect;
        }

        var resent = await operations.ResendConsentAsync(s => s.Id == Subscriber.Id, Actors.Subscriber,
            HttpContext.RequestAborted);
        if (resent.Kind == OutcomeKind.Done)
        {
            StatusMessage = text["Consent_Resent", EmailVerificationService.Mask(Subscriber.Email)];
        }

        return RedirectToPage(new { slug });
    }

    public async Task<IActionResult> OnPostSignOutAsync(string slug)
    {
        await HttpContext.SignOutAsync(PortalSetup.Scheme);
        return RedirectToPage("/Activation/SignIn", new { slug });
    }

    /// <summary>Loads the template and the signed-in subscriber's own record; anything else goes back to sign-in.</summary>
    private async Task<IActionResult?> LoadAsync(string slug)
    {
        var portal = await PortalTemplate.FindAsync(db, slug, HttpContext.RequestAborted);
        var subscriberId = User.SubscriberId();
        var subscriber = subscriberId is null
            ? null
            : await db.Subscribers.FirstOrDefaultAsync(s => s.Id == subscriberId, HttpContext.RequestAborted);
        if (portal is null || subscriber is null || subscriber.TemplateId != portal.Template.Id)
        {
            // Deleted meanwhile, or a cookie from another template: sign in again here.
            await HttpContext.SignOutAsync(PortalSetup.Scheme);
            return portal is null ? NotFound() : RedirectToPage("/Activation/SignIn", new { slug });
        }

        Portal = portal;
        Subscriber = subscriber;
        ViewData["PartnerName"] = portal.PartnerName;
        if (subscriber.Status == SubscriberStatus.PendingEmailValidation)
        {
            CooldownSeconds = (int)Math.Ceiling((await verification.CooldownLeftAsync(subscriber.Id, HttpContext.RequestAborted)).TotalSeconds);
        }

        if (subscriber.Status == SubscriberStatus.Error)
        {
            TryAgainExhausted = await operations.TryAgainExhaustedAsync(subscriber.Id, options.Value.MaxTryAgainPerDay,
                HttpContext.RequestAborted);
        }

        return null;
    }
}
