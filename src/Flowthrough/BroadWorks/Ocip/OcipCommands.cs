using System.Globalization;
using System.Xml.Linq;

namespace Flowthrough.BroadWorks.Ocip;

/// <summary>
/// The request commands the client sends, each an element named after its type with its fields in the order of
/// the public OCI schema (the AS validates order).
/// </summary>
internal static class OcipCommands
{
    public static XElement ServiceProviderGetList() => new("ServiceProviderGetListRequest");

    public static XElement GroupGetListInServiceProvider(string serviceProviderId) =>
        new("GroupGetListInServiceProviderRequest", new XElement("serviceProviderId", serviceProviderId));

    /// <summary>Paged user list; startIndex counts from 1, pageSize is at most 2000.</summary>
    public static XElement UserGetListInGroupPaged(string serviceProviderId, string groupId, int startIndex, int pageSize) =>
        new("UserGetListInGroupPagedSortedListRequest",
            new XElement("serviceProviderId", serviceProviderId),
            new XElement("groupId", groupId),
            new XElement("responsePagingControl",
                new XElement("responseStartIndex", startIndex.ToString(CultureInfo.InvariantCulture)),
                new XElement("responsePageSize", pageSize.ToString(CultureInfo.InvariantCulture))));

    /// <summary>The unpaged list, for ASes older than the paged command. Note the schema's capital <c>GroupId</c>.</summary>
    public static XElement UserGetListInGroup(string serviceProviderId, string groupId) =>
        new("UserGetListInGroupRequest",
            new XElement("serviceProviderId", serviceProviderId),
            new XElement("GroupId", groupId));

    public static XElement UserServiceGetAssignmentList(string userId) =>
        new("UserServiceGetAssignmentListRequest", new XElement("userId", userId));

    public static XElement UserIntegratedImpGet(string userId) =>
        new("UserIntegratedIMPGetRequest", new XElement("userId", userId));

    public static XElement UserGet(string userId) => new("UserGetRequest22", new XElement("userId", userId));

    public static XElement Logout(string userId) => new("LogoutRequest", new XElement("userId", userId));
}
