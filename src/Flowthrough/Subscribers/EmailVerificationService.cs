using System.Security.Cryptography;
using System.Text;
using Flowthrough.Activation;
using Flowthrough.Data;
using Flowthrough.Email;
using Flowthrough.Operations;
using Flowthrough.Templates;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Flowthrough.Subscribers;

public enum SendOutcome
{
    Sent,
    Cooldown,
    QuotaExceeded,

    /// <summary>The subscriber's status no longer takes an email (verified meanwhile, provisioning, deleted).</summary>
    NotAllowed,
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
/// in wrong guesses and in how often they can be sent; and the consent link of a consumer-account move. Concurrent
/// identical submissions get what a repeat gets (a cooldown), never an error.
/// </summary>
public sealed class EmailVerificationService(
    FlowthroughDbContext db,
    SubscriberOperations operations,
    IOptions<PortalOptions> options,
    IOptions<AppOptions> app,
    OutboxSignal outbox,
    TimeProvider time)
{
    /// <summary>Moves the subscriber to pending_email_validation and mails a fresh code and link.</summary>
    public async Task<SendResult> SendAsync(Subscriber subscriber, OnboardingTemplate template, string email,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        var subscriberId = subscriber.Id;
        for (var attempt = 1; attempt <= SubscriberOperations.MaxAttempts; attempt++)
        {
            db.ChangeTracker.Clear();
            // One transaction from the limit check to the new code: on SQLite it holds the write lock throughout, on
            // PostgreSQL a concurrent send fails its optimistic check and is read again, then meets the cooldown.
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var current = await db.Subscribers.FirstOrDefaultAsync(s => s.Id == subscriberId, cancellationToken);
            if (current is null || current.Status is not (SubscriberStatus.PendingEmailInput
                    or SubscriberStatus.PendingEmailValidation or SubscriberStatus.Error))
            {
                return new SendResult(SendOutcome.NotAllowed, TimeSpan.Zero);
            }

            var now = time.GetUtcNow().UtcDateTime;
            if (await CheckLimitsAsync(subscriberId, Subscriber.NormalizeEmail(email), now, cancellationToken) is { } limit)
            {
                return limit;
            }

            var verification = await QueueCodeAsync(current, template, email, now, cancellationToken);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateConcurrencyException)
            {
                await transaction.RollbackAsync(cancellationToken);
                continue;
            }

            // A new code replaces every earlier one: only the latest email's code works.
            await db.EmailVerifications
                .Where(v => v.SubscriberId == subscriberId && v.Purpose == VerificationPurpose.Verify && v.UsedAt == null
                    && v.Id != verification.Id)
                .ExecuteUpdateAsync(u => u.SetProperty(v => v.ExpiresAt, now), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            outbox.Notify();
            return new SendResult(SendOutcome.Sent, options.Value.ResendCooldown);
        }

        return new SendResult(SendOutcome.Cooldown, options.Value.ResendCooldown);
    }

    private async Task<EmailVerification> QueueCodeAsync(Subscriber subscriber, OnboardingTemplate template, string email,
        DateTime now, CancellationToken cancellationToken)
    {
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
        return verification;
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

        var expected = Encoding.ASCII.GetBytes(verification.CodeHash ?? "");
        var actual = Encoding.ASCII.GetBytes(CodeHash(verification.Id, new string(code.Where(char.IsDigit).ToArray())));
        if (!CryptographicOperations.FixedTimeEquals(expected, actual))
        {
            // The count as stored now, not the one read before: guesses arriving together each see the others' tries,
            // so that no answer promises more attempts than are left.
            var attempts = await db.EmailVerifications.AsNoTracking().Where(v => v.Id == verification.Id)
                .Select(v => v.Attempts).FirstAsync(cancellationToken);
            subscriber.RecordCodeFailed(attempts, Actors.Subscriber, now);
            await db.SaveChangesAsync(cancellationToken);
            return attempts >= max ? new CodeResult(CodeOutcome.TooManyAttempts) : new CodeResult(CodeOutcome.Wrong, max - attempts);
        }

        return await ConfirmAsync(subscriber.Id, verification, cancellationToken) is LinkOutcome.Verified
            ? new CodeResult(CodeOutcome.Verified)
            : new CodeResult(CodeOutcome.NoCode);
    }

    /// <summary>
    /// Marks the code or link used and the email verified, in one save. A concurrent confirmation (the code typed
    /// while the link is clicked) finds the subscriber already verified: both callers are told it is verified.
    /// </summary>
    private async Task<LinkOutcome> ConfirmAsync(Guid subscriberId, EmailVerification verification,
        CancellationToken cancellationToken)
    {
        var outcome = await operations.ChangeAsync(s => s.Id == subscriberId, subscriber =>
        {
            if (subscriber.Status != SubscriberStatus.PendingEmailValidation)
            {
                return Task.FromResult(new SubscriberOutcome(OutcomeKind.NotAllowed, subscriber));
            }

            subscriber.ConfirmEmail(Actors.Subscriber, time.GetUtcNow().UtcDateTime);
            return Task.FromResult(new SubscriberOutcome(OutcomeKind.Done, subscriber));
        }, (context, _) => MarkUsed(context, verification), cancellationToken);
        return outcome.Kind switch
        {
            OutcomeKind.Done => LinkOutcome.Verified,
            OutcomeKind.NotAllowed when outcome.Subscriber is { EmailTrusted: true } => LinkOutcome.Verified,
            _ => LinkOutcome.Expired,
        };
    }

    private void MarkUsed(FlowthroughDbContext context, EmailVerification verification)
    {
        var entry = context.EmailVerifications.Attach(verification);
        entry.Entity.UsedAt = time.GetUtcNow().UtcDateTime;
        entry.Property(v => v.UsedAt).IsModified = true;
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

        return (await ConfirmAsync(subscriber.Id, verification, cancellationToken), verification.Email);
    }

    /// <summary>
    /// The consent link of a consumer-account move ("Activate Account"). Like the verification link, only a POST
    /// (<paramref name="confirm"/>) changes anything.
    /// </summary>
    public async Task<(LinkOutcome Outcome, string? Email)> UseConsentLinkAsync(string token, bool confirm,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var hash = Secrets.Hash(token);
        var verification = await db.EmailVerifications.FirstOrDefaultAsync(
            v => v.LinkTokenHash == hash && v.Purpose == VerificationPurpose.ConsentMove, cancellationToken);
        if (verification is null)
        {
            return (LinkOutcome.Unknown, null);
        }

        var subscriber = await db.Subscribers.AsNoTracking()
            .FirstOrDefaultAsync(s => s.Id == verification.SubscriberId, cancellationToken);
        var outcome = verification switch
        {
            { UsedAt: not null } => LinkOutcome.Used,
            _ when verification.ExpiresAt <= now || subscriber?.Status != SubscriberStatus.PendingUserMigration => LinkOutcome.Expired,
            _ => LinkOutcome.Ready,
        };
        if (!confirm || outcome != LinkOutcome.Ready)
        {
            return (outcome, verification.Email);
        }

        var confirmed = await operations.ChangeAsync(s => s.Id == verification.SubscriberId, current =>
        {
            if (current.Status != SubscriberStatus.PendingUserMigration)
            {
                return Task.FromResult(new SubscriberOutcome(OutcomeKind.NotAllowed, current));
            }

            current.ConfirmMigrationConsent(Actors.Subscriber, time.GetUtcNow().UtcDateTime);
            return Task.FromResult(new SubscriberOutcome(OutcomeKind.Done, current));
        }, (context, _) => MarkUsed(context, verification), cancellationToken);
        return (confirmed.Kind == OutcomeKind.Done ? LinkOutcome.Verified : LinkOutcome.Used, verification.Email);
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
