namespace Flowthrough.BroadWorks.Ocip;

/// <summary>One user's details and Integrated IM&amp;P state, singly or many per document.</summary>
public sealed partial class OcipSession
{
    /// <summary>The name of the Integrated IM&amp;P service in a user's service assignment list.</summary>
    public const string IntegratedImpService = "Integrated IMP";

    public async Task<OcipUser> GetUserAsync(string userId, CancellationToken ct)
    {
        var response = (await SendAsync([OcipCommands.UserGet(userId)], ct))[0];
        return ToUser(userId, response);
    }

    public async Task<OcipImpState> GetImpStateAsync(string userId, CancellationToken ct)
    {
        var responses = await SendAsync(
            [OcipCommands.UserServiceGetAssignmentList(userId), OcipCommands.UserIntegratedImpGet(userId)], ct);
        return ToImpState(responses[0], responses[1]);
    }

    /// <summary>
    /// IM&amp;P state of many users in few round trips: three commands per user (assignment list, IM&amp;P settings,
    /// user details), <see cref="UsersPerDocument"/> users per document. Details are kept only for users whose
    /// IM&amp;P is assigned and active; a command the AS refuses for one user becomes that user's
    /// <see cref="OcipUserImp.Error"/> without failing the others.
    /// </summary>
    public async Task<IReadOnlyList<OcipUserImp>> GetImpUsersAsync(IReadOnlyList<string> userIds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(userIds);
        var result = new List<OcipUserImp>(userIds.Count);
        foreach (var chunk in userIds.Chunk(UsersPerDocument))
        {
            var responses = await SendAsync(
                [.. chunk.SelectMany(userId => new[]
                {
                    OcipCommands.UserServiceGetAssignmentList(userId),
                    OcipCommands.UserIntegratedImpGet(userId),
                    OcipCommands.UserGet(userId),
                })], ct);
            for (var i = 0; i < chunk.Length; i++)
            {
                result.Add(ToUserImp(chunk[i], responses[3 * i], responses[(3 * i) + 1], responses[(3 * i) + 2]));
            }
        }

        return result;
    }

    private static OcipUserImp ToUserImp(string userId, OcipResponse assignments, OcipResponse imp, OcipResponse user)
    {
        var assigned = false;
        try
        {
            assigned = IsImpAssigned(assignments);
            var state = assigned ? new OcipImpState(true, IsImpActive(imp)) : new OcipImpState(false, false);
            return new OcipUserImp(userId, state, state.Active ? ToUser(userId, user) : null, null);
        }
        catch (OcipErrorException error)
        {
            return new OcipUserImp(userId, new OcipImpState(assigned, false), null, error);
        }
    }

    /// <summary>
    /// Assigned comes from the assignment list. The IM&amp;P settings command fails for a user without the
    /// service, which only means "not active": it is read only when the service is assigned.
    /// </summary>
    private static OcipImpState ToImpState(OcipResponse assignments, OcipResponse imp) =>
        IsImpAssigned(assignments) ? new OcipImpState(true, IsImpActive(imp)) : new OcipImpState(false, false);

    private static bool IsImpAssigned(OcipResponse assignments) =>
        assignments.Table("userServicesAssignmentTable").Rows
            .Any(row => string.Equals(row["Service Name"], IntegratedImpService, StringComparison.OrdinalIgnoreCase)
                        && row.Flag("Assigned"));

    private static bool IsImpActive(OcipResponse imp)
    {
        imp.EnsureSuccess();
        return bool.TryParse(imp.Value("isActive"), out var active) && active;
    }

    private static OcipUser ToUser(string requestedUserId, OcipResponse response)
    {
        response.EnsureSuccess();
        string? Text(string name) => response.Value(name) is { Length: > 0 } value ? value : null;

        // userId is returned in AS data mode only, and is the primary id (maybe not the one asked for).
        return new OcipUser(
            Text("userId") ?? requestedUserId,
            Text("serviceProviderId") ?? "",
            Text("groupId") ?? "",
            Text("firstName") ?? "",
            Text("lastName") ?? "",
            Text("phoneNumber"),
            Text("extension"),
            Text("mobilePhoneNumber"),
            Text("emailAddress"),
            Text("language"),
            Text("timeZone"));
    }
}
