using Flowthrough.Subscribers;

namespace Flowthrough.Provisioning.Targets.Reconciliation;

/// <summary>One drift found in an organisation, before it is stored as a <see cref="ReconciliationItem"/>.</summary>
public sealed record Drift(DriftKind Kind, Subscriber? Subscriber, TargetUser? User, DriftDetails Details)
{
    public string UserName => User?.UserName ?? Subscriber?.Email ?? "";
}

/// <summary>
/// Compares one customer organisation's users in the target with Flowthrough's subscribers in it. Pure: the runner
/// lists the users and reads the subscribers, this decides what is drift.
/// </summary>
public static class DriftComparer
{
    /// <param name="templateId">Only this template's subscribers are checked; the others' users are simply theirs.</param>
    /// <param name="organization">The organisation listed.</param>
    /// <param name="users">Every user the target lists for it.</param>
    /// <param name="subscribers">The partner's subscribers in the organisation, of any template.</param>
    /// <param name="describe">The target's <see cref="IProvisioningTarget.Describe"/>.</param>
    public static List<Drift> Compare(Guid templateId, CustomerOrganization organization, IReadOnlyList<TargetUser> users,
        IReadOnlyList<Subscriber> subscribers, Func<TargetUserData, IReadOnlyDictionary<string, string?>> describe)
    {
        ArgumentNullException.ThrowIfNull(organization);
        ArgumentNullException.ThrowIfNull(users);
        ArgumentNullException.ThrowIfNull(subscribers);
        ArgumentNullException.ThrowIfNull(describe);
        var byId = users.GroupBy(u => u.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var byExternalId = users.Where(u => !string.IsNullOrEmpty(u.ExternalId))
            .GroupBy(u => u.ExternalId!, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);
        var byUserName = users.GroupBy(u => Subscriber.NormalizeEmail(u.UserName), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var target = new TargetOrganization(organization.Id, organization.SpEnterpriseId, organization.Name);
        var accounted = new HashSet<string>(StringComparer.Ordinal);
        var drifts = new List<Drift>();
        foreach (var subscriber in subscribers)
        {
            var user = UserOf(subscriber, byId, byExternalId);
            if (user is null && subscriber.Status is SubscriberStatus.Provisioning or SubscriberStatus.Updating
                && subscriber.NormalizedEmail is { } email)
            {
                // The engine is at work on it: the user it is creating or linking by user name is not extra.
                user = byUserName.GetValueOrDefault(email);
            }

            if (user is not null)
            {
                accounted.Add(user.Id);
            }

            if (subscriber.TemplateId != templateId || subscriber.Status != SubscriberStatus.Provisioned)
            {
                continue;
            }

            if (user is null || !user.Active)
            {
                drifts.Add(new Drift(DriftKind.Missing, subscriber, user,
                    new DriftDetails(Reason: user is null ? DriftDetails.Absent : DriftDetails.Inactive)));
                continue;
            }

            var differences = Differences(describe(TargetUserData.From(subscriber, target,
                organization.FirstUserSubscriberId == subscriber.Id)), user.Attributes);
            if (differences.Count > 0)
            {
                drifts.Add(new Drift(DriftKind.Different, subscriber, user, new DriftDetails(Attributes: differences)));
            }
        }

        drifts.AddRange(users.Where(u => !accounted.Contains(u.Id))
            .Select(u => new Drift(DriftKind.Extra, null, u, new DriftDetails(ExternalId: u.ExternalId, Active: u.Active))));
        return drifts;
    }

    /// <summary>
    /// The subscriber an extra user can be adopted by: one of the template whose email is the user's name, that is
    /// not provisioned (and could be retried), or is provisioned but its own user is not in the target's list.
    /// </summary>
    public static Subscriber? AdoptionCandidate(TargetUser user, IEnumerable<Subscriber> sameEmail, IReadOnlySet<string> listedIds)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(sameEmail);
        ArgumentNullException.ThrowIfNull(listedIds);
        var userName = Subscriber.NormalizeEmail(user.UserName);
        return sameEmail.FirstOrDefault(s => s.NormalizedEmail == userName && s.TargetUserId != user.Id
            && (s.Status == SubscriberStatus.Provisioned
                ? s.TargetUserId is null || !listedIds.Contains(s.TargetUserId)
                : Subscriber.CanRetryActivation(s.Status) && s.HasTrustedEmail));
    }

    /// <summary>Every attribute Flowthrough would send that the user holds otherwise (user names and emails ignore case).</summary>
    public static List<AttributeDifference> Differences(IReadOnlyDictionary<string, string?> expected,
        IReadOnlyDictionary<string, string?> found)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(found);
        var differences = new List<AttributeDifference>();
        foreach (var (name, value) in expected.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            var actual = found.GetValueOrDefault(name);
            var comparison = name == "userName" || name.StartsWith("emails", StringComparison.Ordinal)
                ? StringComparison.OrdinalIgnoreCase
                : StringComparison.Ordinal;
            if (!string.Equals(Blank(value), Blank(actual), comparison))
            {
                differences.Add(new AttributeDifference(name, Blank(value), Blank(actual)));
            }
        }

        return differences;
    }

    private static TargetUser? UserOf(Subscriber subscriber, Dictionary<string, TargetUser> byId,
        Dictionary<string, TargetUser> byExternalId) =>
        (subscriber.TargetUserId ?? subscriber.PersonId?.ToString()) is { } id && byId.TryGetValue(id, out var mine)
            ? mine
            : byExternalId.GetValueOrDefault(subscriber.Id.ToString());

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
