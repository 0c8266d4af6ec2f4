using System.Globalization;
using System.Xml.Linq;
using static BroadWorksSimulator.Ocip.OcipRequestDocument;

namespace BroadWorksSimulator.Ocip;

/// <summary>
/// Service providers, groups and a group's users as OCITables. Search criteria and sort orders are not applied; the user
/// lists come sorted by user ID (the paged command's documented default). A group's list reads only that group's index.
/// </summary>
internal static class OcipListCommands
{
    /// <summary>The schema's largest responsePageSize.</summary>
    public const int MaxPageSize = 2000;

    private static readonly string[] ServiceProviderColumns = ["Service Provider Id", "Service Provider Name", "Is Enterprise", "Reseller Id"];
    private static readonly string[] GroupColumns = ["Group Id", "Group Name", "User Limit"];

    private static readonly string[] UserColumns =
    [
        "User Id", "Last Name", "First Name", "Department", "Phone Number", "Phone Number Activated", "Email Address",
        "Hiragana Last Name", "Hiragana First Name", "In Trunk Group", "Extension", "Country Code", "National Prefix",
    ];

    private static readonly string[] PagedUserColumns =
    [
        "User Id", "Last Name", "First Name", "Department", "Department Type", "Parent Department", "Parent Department Type",
        "Phone Number", "Phone Number Activated", "Email Address", "Hiragana Last Name", "Hiragana First Name", "In Trunk Group",
        "Extension", "Country Code", "National Prefix",
    ];

    public static XElement ServiceProviders(XElement command, OcipContext context)
    {
        var onlyEnterprises = Child(command, "isEnterprise") is { } flag ? flag == "true" : (bool?)null;
        var rows = context.Store.ServiceProviders
            .Where(sp => onlyEnterprises is null || sp.IsEnterprise == onlyEnterprises)
            .Take(SizeLimit(command))
            .Select(sp => (IReadOnlyList<string?>)[sp.Id, sp.Name, OcipResponse.Bool(sp.IsEnterprise), null]);
        return OcipResponse.Data(command, "ServiceProviderGetListResponse",
            OcipResponse.Table("serviceProviderTable", ServiceProviderColumns, rows));
    }

    public static XElement Groups(XElement command, OcipContext context)
    {
        var serviceProviderId = Child(command, "serviceProviderId");
        if (context.Store.FindServiceProvider(serviceProviderId) is null)
        {
            return OcipResponse.Error(command, OcipError.ServiceProviderNotFound, serviceProviderId);
        }

        var rows = context.Store.Groups
            .Where(g => g.ServiceProviderId == serviceProviderId)
            .Take(SizeLimit(command))
            .Select(g => (IReadOnlyList<string?>)[g.Id, g.Name, "100000"]);
        return OcipResponse.Data(command, "GroupGetListInServiceProviderResponse", OcipResponse.Table("groupTable", GroupColumns, rows));
    }

    /// <summary>UserGetListInGroupRequest: the schema spells the group element <c>GroupId</c>; <c>groupId</c> is accepted too.</summary>
    public static XElement Users(XElement command, OcipContext context)
    {
        if (FindGroup(command, context, out var error) is not { } group)
        {
            return error!;
        }

        var rows = context.Store.InGroup(group.Id, 0, SizeLimit(command)).Select(s => UserRow(s, group, paged: false));
        return OcipResponse.Data(command, "UserGetListInGroupResponse", OcipResponse.Table("userTable", UserColumns, rows));
    }

    /// <summary>UserGetListInGroupPagedSortedListRequest: responsePagingControl is 1-based; without it the first page comes.</summary>
    public static XElement UsersPaged(XElement command, OcipContext context)
    {
        if (FindGroup(command, context, out var error) is not { } group)
        {
            return error!;
        }

        var (start, size) = (1, MaxPageSize);
        if (ChildElement(command, "responsePagingControl") is { } paging)
        {
            if (!int.TryParse(Child(paging, "responseStartIndex"), NumberStyles.None, CultureInfo.InvariantCulture, out start)
                || !int.TryParse(Child(paging, "responsePageSize"), NumberStyles.None, CultureInfo.InvariantCulture, out size)
                || start < 1 || size is < 1 or > MaxPageSize)
            {
                return OcipResponse.Error(command, OcipError.Validation,
                    $"responsePagingControl needs responseStartIndex >= 1 and responsePageSize from 1 to {MaxPageSize}.");
            }
        }

        var rows = context.Store.InGroup(group.Id, start - 1, size).Select(s => UserRow(s, group, paged: true));
        return OcipResponse.Data(command, "UserGetListInGroupPagedSortedListResponse",
            OcipResponse.Table("userTable", PagedUserColumns, rows));
    }

    /// <summary>The national (trunk) prefix of a country code, as far as the seeds need it.</summary>
    public static string? NationalPrefix(string? countryCode) => countryCode switch
    {
        "44" => "0",
        "1" => "1",
        _ => null,
    };

    private static Group? FindGroup(XElement command, OcipContext context, out XElement? error)
    {
        error = null;
        var serviceProviderId = Child(command, "serviceProviderId");
        var groupId = Child(command, "GroupId") ?? Child(command, "groupId");
        if (context.Store.FindServiceProvider(serviceProviderId) is null)
        {
            error = OcipResponse.Error(command, OcipError.ServiceProviderNotFound, serviceProviderId);
            return null;
        }

        if (context.Store.FindGroup(groupId) is not { } group || group.ServiceProviderId != serviceProviderId)
        {
            error = OcipResponse.Error(command, OcipError.GroupNotFound, $"{serviceProviderId}/{groupId}");
            return null;
        }

        return group;
    }

    private static IReadOnlyList<string?> UserRow(Subscriber s, Group group, bool paged)
    {
        var activated = OcipResponse.Bool(s.Number is not null);
        var country = group.CountryCode;
        return paged
            ? [s.UserId, s.LastName, s.FirstName, null, null, null, null, s.Number, activated, s.Email, null, null, "false",
                s.Extension, country, NationalPrefix(country)]
            : [s.UserId, s.LastName, s.FirstName, null, s.Number, activated, s.Email, null, null, "false", s.Extension, country,
                NationalPrefix(country)];
    }

    private static int SizeLimit(XElement command) =>
        int.TryParse(Child(command, "responseSizeLimit"), NumberStyles.None, CultureInfo.InvariantCulture, out var limit) && limit > 0
            ? limit
            : int.MaxValue;
}
