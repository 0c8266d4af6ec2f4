using System.Globalization;
using Flowthrough.BroadWorks;
using Flowthrough.Data;
using Flowthrough.Security;
using Flowthrough.Subscribers;
using Flowthrough.Templates;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Flowthrough.Activation;

public enum SignInOutcome
{
    SignedIn,
    Invalid,
    Unavailable,
    LockedOut,
    NotEnabled,

    /// <summary>The template or its cluster is disabled: no sign-ins (TemplateAvailability).</summary>
    Disabled,

    /// <summary>The cluster's AS says Integrated IM&amp;P is not on for the user, or its group is not this template's.</summary>
    NotEntitled,
}

public sealed record SignInResult(SignInOutcome Outcome, Subscriber? Subscriber = null, TimeSpan? RetryAfter = null);

/// <summary>
/// Portal sign-in with BroadWorks credentials, checked by Xsi-Actions against the template's cluster. The
/// password is passed through, never stored or logged. Unknown user and wrong password look the same; an
/// unreachable BroadWorks never counts towards a lockout.
/// </summary>
public sealed class PortalSignIn(
    FlowthroughDbContext db,
    SubscriberOperations operations,
    XsiActionsClient xsi,
    PortalEntitlement entitlements,
    LoginThrottle throttle,
    IOptions<PortalOptions> options)
{
    public async Task<SignInResult> SignInAsync(OnboardingTemplate template, string userId, string password,
        string? remoteAddress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(template);
        if (await TemplateAvailability.OfAsync(db, template, cancellationToken) != Availability.Open)
        {
            return new SignInResult(SignInOutcome.Disabled);
        }

        userId = userId.Trim();
        var userKey = $"portal-user:{template.PartnerId}:{userId.ToLowerInvariant()}";
        var addressKey = $"portal-ip:{remoteAddress}";
        var existing = await db.Subscribers.AsNoTracking()
            .FirstOrDefaultAsync(SubscriberOperations.ByUserId(template.PartnerId, userId), cancellationToken);

        var lockedFor = Max(await throttle.LockedForAsync(userKey, cancellationToken),
            await throttle.LockedForAsync(addressKey, cancellationToken));
        if (lockedFor is not null)
        {
            await RecordAsync(existing, "signin_refused_locked", null, cancellationToken);
            return new SignInResult(SignInOutcome.LockedOut, RetryAfter: lockedFor);
        }

        var cluster = await db.Clusters.AsNoTracking().FirstAsync(c => c.Id == template.ClusterId, cancellationToken);
        var result = await xsi.GetProfileAsync(cluster.XsiActionsUrl, userId, password, cancellationToken);
        switch (result)
        {
            case XsiLoginResult.Unavailable:
                return new SignInResult(SignInOutcome.Unavailable);
            case XsiLoginResult.Invalid:
                var userLocked = await throttle.RecordFailureAsync(userKey, cancellationToken);
                var addressLocked = await throttle.RecordFailureAsync(addressKey, cancellationToken,
                    options.Value.MaxFailuresPerAddress);
                await RecordAsync(existing, "signin_failed", null, cancellationToken);
                if (userLocked || addressLocked)
                {
                    await RecordAsync(existing, "locked_out", new { reason = userLocked ? "user" : "address" },
                        cancellationToken);
                }

                await throttle.DelayFailureAsync(cancellationToken);
                return new SignInResult(SignInOutcome.Invalid);
        }

        var profile = ((XsiLoginResult.Valid)result).Profile;
        await throttle.ResetAsync(userKey, cancellationToken);
        var entitlement = await entitlements.CheckAsync(cluster, template, userId, cancellationToken);
        switch (entitlement)
        {
            case Entitlement.Unavailable:
                return new SignInResult(SignInOutcome.Unavailable);
            case Entitlement.NotEntitled:
                await RecordAsync(existing, "signin_refused_not_entitled", null, cancellationToken);
                return new SignInResult(SignInOutcome.NotEntitled);
        }

        var admitted = await operations.AdmitFromPortalAsync(template, new Subscriber.IntakeDetails(
            template.PartnerId, template.Id, template.ProvisioningId, userId, EnterpriseOf(template, profile),
            Trim(profile.FirstName, SubscriberLimits.Name) ?? userId, Trim(profile.LastName, SubscriberLimits.Name) ?? "-",
            template.DefaultPackage, EmailIfValid(profile.EmailAddress), EmailTrusted: false, Trim(profile.Number, SubscriberLimits.PhoneNumber),
            Trim(profile.Mobile, SubscriberLimits.PhoneNumber), Trim(profile.Extension, SubscriberLimits.Extension),
            CultureInfo.CurrentUICulture.TwoLetterISOLanguageName,
            profile.TimeZone is { } zone && TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _) ? zone : null,
            SubscriberSource.SelfActivation), entitledByBroadWorks: entitlement == Entitlement.Entitled, cancellationToken);
        return admitted.Subscriber is { } subscriber
            ? new SignInResult(SignInOutcome.SignedIn, subscriber)
            : new SignInResult(SignInOutcome.NotEnabled);
    }

    private async Task RecordAsync(Subscriber? subscriber, string kind, object? data, CancellationToken cancellationToken)
    {
        if (subscriber is not null)
        {
            await operations.RecordAsync(subscriber, kind, Actors.Subscriber, data, cancellationToken);
        }
    }

    private static string EnterpriseOf(OnboardingTemplate template, XsiProfile profile)
    {
        var serviceProvider = profile.ServiceProviderId ?? "unknown";
        return template.EnterpriseMode || profile.IsEnterprise && profile.GroupId is null
            ? serviceProvider
            : $"{serviceProvider}+{profile.GroupId}";
    }

    private static string? EmailIfValid(string? email) =>
        email is not null && SubscriberValidation.IsEmail(email) ? email : null;

    private static string? Trim(string? value, int limit) =>
        string.IsNullOrWhiteSpace(value) ? null : value.Length > limit ? value[..limit] : value;

    private static TimeSpan? Max(TimeSpan? a, TimeSpan? b) => a is null ? b : b is null ? a : a > b ? a : b;
}
