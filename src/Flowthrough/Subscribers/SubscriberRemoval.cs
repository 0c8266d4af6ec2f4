using Flowthrough.Data;
using Flowthrough.Email;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.Subscribers;

/// <summary>
/// Delete User, API DELETE and flow-through delete: the row goes, its timeline stays, and the userId is free to
/// onboard again.
/// </summary>
public static class SubscriberRemoval
{
    public static async Task RemoveAsync(FlowthroughDbContext db, Subscriber subscriber, string actor, DateTime now,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(subscriber);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        subscriber.Remove(actor, now);
        db.Subscribers.Remove(subscriber);
        await db.SaveChangesAsync(cancellationToken);
        await db.EmailVerifications.Where(v => v.SubscriberId == subscriber.Id).ExecuteDeleteAsync(cancellationToken);
        // Mail not yet sent would reach someone who is no longer onboarding.
        await db.Outbox.Where(m => m.SubscriberId == subscriber.Id && m.Status == OutboxStatus.Queued)
            .ExecuteUpdateAsync(u => u.SetProperty(m => m.Status, OutboxStatus.Abandoned)
                .SetProperty(m => m.NextAttemptAt, (DateTime?)null)
                .SetProperty(m => m.LastError, "The subscriber was deleted before the message was sent."),
                cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
