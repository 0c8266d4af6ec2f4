using Flowthrough.Data;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.Subscribers;

/// <summary>One whole-user call from BroadWorks (bridge or sync): the intake details and the change for an existing row.</summary>
public sealed record BroadWorksUser(Subscriber.IntakeDetails Details, DetailChange Whole, string Actor);

public sealed partial class SubscriberOperations
{
    /// <summary>
    /// <see cref="UpsertFromBroadWorksAsync(Subscriber.IntakeDetails, DetailChange, string, CancellationToken)"/> for
    /// many calls at once, in one transaction: the existing rows are read in one query per partner, each call is applied
    /// with the same rules, and everything is saved together (the counters get one delta per template and status).
    /// Calls for the same user are applied in order to one row, so they merge into one change and every caller is
    /// answered with that row. Null when the group lost a race (a concurrent insert of one of its users, or a row changed
    /// since it was read): nothing of the group was saved, and the caller repeats each call on its own.
    /// </summary>
    public async Task<IReadOnlyList<SubscriberOutcome>?> UpsertGroupFromBroadWorksAsync(IReadOnlyList<BroadWorksUser> users,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(users);
        db.ChangeTracker.Clear();
        var rows = await ExistingAsync(users, cancellationToken);
        var now = Now;
        var kinds = new OutcomeKind[users.Count];
        for (var i = 0; i < users.Count; i++)
        {
            var (details, whole, actor) = users[i];
            var key = (details.PartnerId, details.UserId);
            if (rows.TryGetValue(key, out var existing))
            {
                kinds[i] = ApplyDetails(existing, whole, actor).Kind;
                continue;
            }

            var created = Subscriber.Intake(details, actor, now);
            db.Subscribers.Add(created);
            rows[key] = created;
            kinds[i] = OutcomeKind.Done;
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return null;
        }
        catch (DbUpdateException exception) when (exception.IsUniqueViolation())
        {
            db.ChangeTracker.Clear();
            return null;
        }

        NotifyEngine(rows.Values);
        var outcomes = new SubscriberOutcome[users.Count];
        for (var i = 0; i < users.Count; i++)
        {
            outcomes[i] = new SubscriberOutcome(kinds[i], rows[(users[i].Details.PartnerId, users[i].Details.UserId)]);
        }

        db.ChangeTracker.Clear();
        return outcomes;
    }

    private async Task<Dictionary<(Guid PartnerId, string UserId), Subscriber>> ExistingAsync(
        IReadOnlyList<BroadWorksUser> users, CancellationToken cancellationToken)
    {
        var rows = new Dictionary<(Guid, string), Subscriber>();
        foreach (var partner in users.GroupBy(u => u.Details.PartnerId))
        {
            var partnerId = partner.Key;
            var userIds = partner.Select(u => u.Details.UserId).Distinct(StringComparer.Ordinal).ToList();
            foreach (var subscriber in await db.Subscribers.Where(s => s.PartnerId == partnerId && userIds.Contains(s.UserId))
                         .ToListAsync(cancellationToken))
            {
                rows[(subscriber.PartnerId, subscriber.UserId)] = subscriber;
            }
        }

        return rows;
    }
}
