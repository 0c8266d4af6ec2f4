namespace Flowthrough.BroadWorks.Ocip;

/// <summary>Service providers, groups and the users of a group.</summary>
public sealed partial class OcipSession
{
    public async Task<IReadOnlyList<OcipServiceProvider>> GetServiceProvidersAsync(CancellationToken ct)
    {
        var table = (await SendAsync([OcipCommands.ServiceProviderGetList()], ct))[0].Table("serviceProviderTable");
        return [.. table.Rows
            .Where(row => row.Text("Service Provider Id") is not null)
            .Select(row => new OcipServiceProvider(
                row["Service Provider Id"]!, row.Text("Service Provider Name") ?? "", row.Flag("Is Enterprise")))];
    }

    public async Task<IReadOnlyList<OcipGroup>> GetGroupsAsync(string serviceProviderId, CancellationToken ct)
    {
        var table = (await SendAsync([OcipCommands.GroupGetListInServiceProvider(serviceProviderId)], ct))[0]
            .Table("groupTable");
        return [.. table.Rows
            .Where(row => row.Text("Group Id") is not null)
            .Select(row => new OcipGroup(serviceProviderId, row["Group Id"]!, row.Text("Group Name") ?? ""))];
    }

    /// <summary>
    /// Every user of a group, page by page (UserGetListInGroupPagedSortedListRequest); an AS without the paged
    /// command gets the unpaged UserGetListInGroupRequest instead.
    /// </summary>
    public async Task<IReadOnlyList<OcipUserRow>> GetUsersAsync(string serviceProviderId, string groupId, CancellationToken ct)
    {
        var users = new List<OcipUserRow>();
        for (var start = 1; ; start += UserPageSize)
        {
            var page = (await SendAsync(
                [OcipCommands.UserGetListInGroupPaged(serviceProviderId, groupId, start, UserPageSize)], ct))[0];
            if (page.IsError && start == 1)
            {
                return await GetUsersUnpagedAsync(serviceProviderId, groupId, ct);
            }

            var rows = page.Table("userTable").Rows;
            users.AddRange(rows.Select(ToUserRow).OfType<OcipUserRow>());
            if (rows.Count < UserPageSize)
            {
                return users;
            }
        }
    }

    private async Task<IReadOnlyList<OcipUserRow>> GetUsersUnpagedAsync(string serviceProviderId, string groupId, CancellationToken ct)
    {
        OcipLog.UnpagedUserList(logger, address);
        var table = (await SendAsync([OcipCommands.UserGetListInGroup(serviceProviderId, groupId)], ct))[0].Table("userTable");
        return [.. table.Rows.Select(ToUserRow).OfType<OcipUserRow>()];
    }

    private static OcipUserRow? ToUserRow(OcipRow row) => row.Text("User Id") is { } userId
        ? new OcipUserRow(userId, row.Text("First Name"), row.Text("Last Name"), row.Text("Phone Number"),
            row.Text("Extension"), row.Text("Email Address"))
        : null;
}
