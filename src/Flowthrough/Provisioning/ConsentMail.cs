using Flowthrough.Data;
using Flowthrough.Email;
using Flowthrough.Operations;
using Flowthrough.Subscribers;
using Flowthrough.Templates;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Flowthrough.Provisioning;

/// <summary>
/// The "Activate Account" email to the owner of a consumer account: a single-use link, stored hashed, that
/// lets them consent to moving the account into the customer organisation.
/// </summary>
public sealed class ConsentMail(IOptions<AppOptions> app, OutboxSignal outboxSignal)
{
    public static readonly TimeSpan LinkLifetime = TimeSpan.FromDays(7);

    /// <summary>Queues the mail in the caller's unit of work; the caller saves and then calls <see cref="NotifyRelay"/>.</summary>
    public async Task QueueAsync(FlowthroughDbContext db, Subscriber subscriber, OnboardingTemplate template,
        DateTime now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(subscriber);
        var token = Secrets.NewToken();
        var verification = new EmailVerification
        {
            SubscriberId = subscriber.Id,
            Email = subscriber.Email!,
            LinkTokenHash = Secrets.Hash(token),
            Created = now,
            ExpiresAt = now + LinkLifetime,
            Purpose = VerificationPurpose.ConsentMove,
        };
        db.EmailVerifications.Add(verification);
        var link = new Uri($"{app.Value.BaseUrl}/activate/consent/{token}");
        await db.QueueAsync(EmailKind.ConsentMove, subscriber, template, subscriber.Email!, new EmailContent(link),
            $"consent:{subscriber.Id}:{verification.Id}", now, cancellationToken);
    }

    public void NotifyRelay() => outboxSignal.Notify();
}
