using System.Security.Cryptography;
using System.Text;
using Flowthrough.Data;
using Flowthrough.Email;
using Flowthrough.Operations;
using Flowthrough.Subscribers;
using Flowthrough.Templates;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Flowthrough.Activation;

public enum SendOutcome
{
    Sent,
    Cooldown,
    QuotaExceeded,
}

public sealed record SendResult(SendOutcome Outcome, TimeSpan RetryAfter);

public enum CodeOutcome
{
    Verified,
    Wrong,
    Expired,
    TooManyAttempts,
    NoCode,
}

public sealed record CodeResult(CodeOutcome Outcome, int AttemptsLeft = 0);

public enum LinkOutcome
{
    Ready,
    Verified,
    Expired,
    Used,
    Unknown,
}

/// <summary>
/// The email-verification step: a 6-digit code and a link, both stored hashed, single use, limited in time,
/// in wrong guesses and in how often they can be sent.
/// </summary>
public sealed class EmailVerificationService(
    FlowthroughDbContext db,
    IOptions<PortalOptions> options,
    IOptions<AppOptions> app,
    OutboxSignal outbox,
    ProvisioningSignal provisioning,
    TimeProvider time)
{
    /// <summary>Moves the subscriber to pending_email_validation and mails a fresh code and link.</summary>
    public async Task<SendResult> SendAsync(Subscriber subscriber, OnboardingTemplate template, string email,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        var now = time.GetUtcNow().UtcDateTime;
        var limit = await CheckLimitsAsync(subscriber.Id, Subscriber.NormalizeEmail(email), now, cancellationToken);
        if (limit is not null)
        {
            return limit;
        }

        // A new code replaces every earlier one: only the latest email's code works.
        await db.EmailVerifications
            .Where(v => v.SubscriberId == subscriber.Id && v.Purpose == VerificationPurpose.Verify && v.UsedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(v => v.ExpiresAt, now), cancellationToken);

        var code = RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
        var token = Secrets.NewToken();
        var verification = new EmailVerification
        {
            SubscriberId = subscriber.Id,
            Email = Subscriber.NormalizeEmail(email),
            LinkTokenHash = Secrets.Hash(token),
            Created = now,
            ExpiresAt = now + options.Value.CodeLifetime,
            Purpose = VerificationPurpose.Verify,
        };
        verification.CodeHash = CodeHash(verification.Id, code);
        db.EmailVerifications.Add(verification);
        subscriber.SubmitEmail(email, Actors.Subscriber, now);
        await db.QueueAsync(EmailKind.Verification, subscriber, template, email.Trim(),
            new EmailContent(new Uri($"{app.Value.BaseUrl}/activate/verify/{token}"), code),
            $"verify:{verification.Id}", now, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        outbox.Notify();
        return new SendResult(SendOutcome.Sent, options.Value.ResendCooldown);
    }

    /// <summary>The cooldown between sends, then the hourly quota per subscriber and per address.</summary>
    private async Task<SendResult?> CheckLimitsAsync(Guid subscriberId, string normalizedEmail, DateTime now,
        CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var hourAgo = now.AddHours(-1);
        var recent = await db.EmailVerifications.AsNoTracking()
            .Where(v => v.Purpose == VerificationPurpose.Verify && v.Created > hourAgo
                && (v.SubscriberId == subscriberId || v.Email == normalizedEmail))
            .Select(v => new { v.SubscriberId, v.Email, v.Created })
            .ToListAsync(cancellationToken);
        var mine = recent.Where(v => v.SubscriberId == subscriberId).Select(v => v.Created).DefaultIfEmpty().Max();
        if (mine != default && now - mine < settings.ResendCooldown)
        {
            return new SendResult(SendOutcome.Cooldown, settings.ResendCooldown - (now - mine));
        }

        foreach (var group in new[]
                 {
                     recent.Where(v => v.SubscriberId == subscriberId).Select(v => v.Created).ToList(),
                     recent.Where(v => v.Email == normalizedEmail).Select(v => v.Created).ToList(),
                 })
        {
            if (group.Count >= settings.MaxSendsPerHour)
            {
                // The quota frees up when the oldest send of the last hour leaves the window.
                return new SendResult(SendOutcome.QuotaExceeded, group.Min().AddHours(1) - now);
            }
        }

        return null;
    }

    /// <summary>How long until the subscriber may ask for another email, or zero.</summary>
    public async Task<TimeSpan> CooldownLeftAsync(Guid subscriberId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var last = await db.EmailVerifications.AsNoTracking()
            .Where(v => v.SubscriberId == subscriberId && v.Purpose == VerificationPurpose.Verify)
            .MaxAsync(v => (DateTime?)v.Created, cancellationToken);
        var left = last is null ? TimeSpan.Zero : options.Value.ResendCooldown - (now - last.Value);
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    public async Task<CodeResult> VerifyCodeAsync(Subscriber subscriber, string code, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        var now = time.GetUtcNow().UtcDateTime;
        var verification = await db.EmailVerifications
            .Where(v => v.SubscriberId == subscriber.Id && v.Purpose == VerificationPurpose.Verify && v.UsedAt == null)
            .OrderByDescending(v => v.Created)
            .FirstOrDefaultAsync(cancellationToken);
        if (verification is null)
        {
            return new CodeResult(CodeOutcome.NoCode);
        }

        if (verification.ExpiresAt <= now)
        {
            return new CodeResult(CodeOutcome.Expired);
        }

        var max = options.Value.MaxCodeAttempts;
        // The attempt is counted before the code is compared, in one statement, so that concurrent guesses
        // can never get more than the limit between them.
        var counted = await db.EmailVerifications
            .Where(v => v.Id == verification.Id && v.Attempts < max)
            .ExecuteUpdateAsync(u => u.SetProperty(v => v.Attempts, v => v.Attempts + 1), cancellationToken);
        if (counted == 0)
        {
            return new CodeResult(CodeOutcome.TooManyAttempts);
        }

        var attempts = verification.Attempts + 1;
        var expected = Encoding.ASCII.GetBytes(verification.CodeHash ?? "");
        var actual = Encoding.ASCII.GetBytes(CodeHash(verification.Id, new string(code.Where(char.IsDigit).ToArray())));
        if (!CryptographicOperations.FixedTimeEquals(expected, actual))
        {
            subscriber.RecordCodeFailed(attempts, Actors.Subscriber, now);
            await db.SaveChangesAsync(cancellationToken);
            return attempts >= max ? new CodeResult(CodeOutcome.TooManyAttempts) : new CodeResult(CodeOutcome.Wrong, max - attempts);
        }

        verification.UsedAt = now;
        subscriber.ConfirmEmail(Actors.Subscriber, now);
        await db.SaveChangesAsync(cancellationToken);
        provisioning.Notify();
        return new CodeResult(CodeOutcome.Verified);
    }

    /// <summary>The link from the email. Only a POST confirms it (<paramref name="confirm"/>): a GET by a mail scanner changes nothing.</summary>
    public async Task<(LinkOutcome Outcome, string? Email)> UseLinkAsync(string token, bool confirm,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var hash = Secrets.Hash(token);
        var verification = await db.EmailVerifications
            .FirstOrDefaultAsync(v => v.LinkTokenHash == hash && v.Purpose == VerificationPurpose.Verify, cancellationToken);
        if (verification is null)
        {
            return (LinkOutcome.Unknown, null);
        }

        if (verification.UsedAt is not null)
        {
            return (LinkOutcome.Used, verification.Email);
        }

        if (verification.ExpiresAt <= now || verification.Attempts >= options.Value.MaxCodeAttempts)
        {
            return (LinkOutcome.Expired, verification.Email);
        }

        var subscriber = await db.Subscribers.FirstOrDefaultAsync(s => s.Id == verification.SubscriberId, cancellationToken);
        if (subscriber is null || subscriber.Status != SubscriberStatus.PendingEmailValidation)
        {
            return (LinkOutcome.Expired, verification.Email);
        }

        if (!confirm)
        {
            return (LinkOutcome.Ready, verification.Email);
        }

        verification.UsedAt = now;
        subscriber.ConfirmEmail(Actors.Subscriber, now);
        await db.SaveChangesAsync(cancellationToken);
        provisioning.Notify();
        return (LinkOutcome.Verified, verification.Email);
    }

    private static string CodeHash(Guid verificationId, string code) => Secrets.Hash($"{verificationId:N}:{code}");

    /// <summary>"z***@p***.pl": enough to recognise one's own address, not enough to harvest it.</summary>
    public static string Mask(string? email)
    {
        if (string.IsNullOrEmpty(email) || email.IndexOf('@', StringComparison.Ordinal) is var at && at < 1)
        {
            return "***";
        }

        var domain = email[(at + 1)..];
        var dot = domain.LastIndexOf('.');
        var host = dot > 0 ? domain[..dot] : domain;
        var tld = dot > 0 ? domain[dot..] : "";
        return $"{email[0]}***@{(host.Length > 0 ? host[0] : '*')}***{tld}";
    }
}
