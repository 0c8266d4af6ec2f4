using Flowthrough.BroadWorks.Ocip;
using Flowthrough.Bridge;
using Flowthrough.Data;
using Flowthrough.Subscribers;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.BroadWorks.Sync;

/// <summary>
/// Feeds what the AS says of one user into the bridge's own intake (<see cref="BridgeIntake"/>), so a synced user is
/// validated, created and updated exactly as one BroadWorks pushed. Users whose details already match are skipped
/// without a write: a steady-state run of 10,000 users costs reads only.
/// </summary>
public sealed class SyncApply(FlowthroughDbContext db, SubscriberOperations operations)
{
    /// <summary>The fields a BroadWorks update can change, as Flowthrough holds them now.</summary>
    public sealed record Snapshot(string FirstName, string LastName, string? PrimaryPhoneNumber, string? MobilePhoneNumber,
        string? Extension, string? Timezone);

    /// <summary>The subscribers the group's users already are, by user ID.</summary>
    public async Task<Dictionary<string, Snapshot>> ExistingAsync(SyncGroup group, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(group);
        var key = group.SubscriberKey;
        var rows = await db.Subscribers.AsNoTracking()
            .Where(s => s.PartnerId == group.Template.PartnerId && s.SpEnterpriseId == key)
            .Select(s => new { s.UserId, Snapshot = new Snapshot(s.FirstName, s.LastName, s.PrimaryPhoneNumber, s.MobilePhoneNumber, s.Extension, s.Timezone) })
            .ToListAsync(cancellationToken);
        return rows.ToDictionary(r => r.UserId, r => r.Snapshot, StringComparer.OrdinalIgnoreCase);
    }

    public async Task ApplyAsync(SyncGroup group, OcipUserImp found, IReadOnlyDictionary<string, Snapshot> existing,
        string actor, SyncTally tally, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(found);
        ArgumentNullException.ThrowIfNull(tally);
        if (found.Error is { } error)
        {
            tally.AddFailedUser(found.UserId, error.Message);
            return;
        }

        if (!found.Imp.Assigned || !found.Imp.Active || found.User is not { } user)
        {
            return;
        }

        tally.AddEntitled(found.UserId);
        var request = RequestOf(group, user);
        var known = existing.TryGetValue(user.UserId, out var before);
        if (known && Matches(before!, request))
        {
            return;
        }

        var outcome = await BridgeIntake.ApplyAsync(operations, group.Template, request, actor, cancellationToken);
        if (outcome.Errors is { Count: > 0 } errors)
        {
            tally.AddFailedUser(user.UserId, errors);
        }
        else if (known)
        {
            tally.AddUpdated();
        }
        else
        {
            tally.AddCreated();
        }
    }

    private static BridgeUserRequest RequestOf(SyncGroup group, OcipUser user) => new()
    {
        UserId = user.UserId,
        ServiceProviderId = group.ServiceProviderId,
        GroupId = group.GroupId,
        FirstName = user.FirstName,
        LastName = user.LastName,
        Email = user.EmailAddress,
        PrimaryPhoneNumber = user.PhoneNumber,
        MobilePhoneNumber = user.MobilePhoneNumber,
        Extension = user.Extension,
        Language = user.Language,
        Timezone = user.TimeZone,
        IsActive = true,
    };

    /// <summary>Conservative: anything that might differ goes through intake, which answers Unchanged when it does not.</summary>
    private static bool Matches(Snapshot before, BridgeUserRequest request) =>
        Same(before.FirstName, request.FirstName) && Same(before.LastName, request.LastName)
        && Same(before.PrimaryPhoneNumber, request.PrimaryPhoneNumber) && Same(before.MobilePhoneNumber, request.MobilePhoneNumber)
        && Same(before.Extension, request.Extension) && (request.Timezone is null || Same(before.Timezone, request.Timezone));

    private static bool Same(string? held, string? sent) =>
        string.Equals(Blank(held), Blank(sent), StringComparison.Ordinal);

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
