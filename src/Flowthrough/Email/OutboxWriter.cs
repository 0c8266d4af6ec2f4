using Flowthrough.Data;
using Flowthrough.Subscribers;
using Flowthrough.Templates;
using Microsoft.EntityFrameworkCore;
using MimeKit;

namespace Flowthrough.Email;

/// <summary>Queues subscriber emails in the caller's unit of work, so a mail exists exactly when its state change does.</summary>
public static class OutboxWriter
{
    /// <summary>
    /// Renders the email and adds it to <paramref name="db"/> as a queued outbox message due at <paramref name="now"/>,
    /// without saving: the caller saves it with the state change, then calls <see cref="OutboxSignal.Notify"/>.
    /// Returns false, adding nothing, when a message with <paramref name="dedupeKey"/> is already queued in this
    /// context or stored; two transactions racing on one key are still stopped by the unique index at save.
    /// </summary>
    public static async Task<bool> QueueAsync(this FlowthroughDbContext db, EmailKind kind, Subscriber subscriber,
        OnboardingTemplate template, string to, EmailContent content, string dedupeKey, DateTime now,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(subscriber);
        ArgumentException.ThrowIfNullOrWhiteSpace(dedupeKey);
        if (!MailboxAddress.TryParse(to, out var address) || !string.IsNullOrEmpty(address.Name))
        {
            throw new ArgumentException("The recipient must be a bare email address.", nameof(to));
        }

        if (db.Outbox.Local.Any(m => m.DedupeKey == dedupeKey)
            || await db.Outbox.AnyAsync(m => m.DedupeKey == dedupeKey, cancellationToken))
        {
            return false;
        }

        var email = EmailTemplates.Render(kind, subscriber, template, content);
        // A subscriber's mail continues the subscriber's trace, whichever request or worker queued it.
        db.AddQueued(subscriber.Id, subscriber.PartnerId, address.Address, kind, email, dedupeKey, now,
            subscriber.TraceParent ?? Operations.Telemetry.CurrentTraceParent);
        return true;
    }

    /// <summary>
    /// Adds a partner admin's mail (an invitation) to <paramref name="db"/> without saving, like
    /// <see cref="QueueAsync"/>: it belongs to no subscriber.
    /// </summary>
    public static void QueueAdminMail(this FlowthroughDbContext db, Guid partnerId, string to, RenderedEmail email,
        string dedupeKey, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(email);
        db.AddQueued(null, partnerId, to, EmailKind.AdminInvitation, email, dedupeKey, now, Operations.Telemetry.CurrentTraceParent);
    }

    private static void AddQueued(this FlowthroughDbContext db, Guid? subscriberId, Guid partnerId, string to, EmailKind kind,
        RenderedEmail email, string dedupeKey, DateTime now, string? traceParent) =>
        db.Outbox.Add(new OutboxMessage
        {
            SubscriberId = subscriberId,
            PartnerId = partnerId,
            To = to,
            Kind = kind,
            Language = email.Language,
            Subject = email.Subject,
            Html = email.Html,
            Text = email.Text,
            Status = OutboxStatus.Queued,
            Created = now,
            NextAttemptAt = now,
            DedupeKey = dedupeKey,
            TraceParent = traceParent,
        });
}
