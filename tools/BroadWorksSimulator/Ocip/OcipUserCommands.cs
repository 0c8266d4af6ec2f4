using System.Text.RegularExpressions;
using System.Xml.Linq;
using static BroadWorksSimulator.Ocip.OcipRequestDocument;

namespace BroadWorksSimulator.Ocip;

/// <summary>One user's data: service assignments, Integrated IM&amp;P and the profile (UserGetRequest22 and later versions).</summary>
internal static partial class OcipUserCommands
{
    public const string IntegratedImp = "Integrated IMP";

    /// <summary>A plausible, fixed set of services besides Integrated IMP (which follows the subscriber), sorted as an AS lists them.</summary>
    private static readonly (string Name, bool Assigned)[] OtherServices =
    [
        ("Anonymous Call Rejection", false), ("Authentication", true), ("Call Forwarding Always", true),
        ("Call Forwarding Busy", true), ("Call Waiting", true), ("Calling Line ID Delivery Blocking", true),
        ("Intercept User", false), ("Shared Call Appearance", false), ("Third-Party Voice Mail Support", false),
        ("Voice Messaging User", true),
    ];

    private static readonly string[] ServicePackColumns = ["Service Pack Name", "Assigned", "Description"];
    private static readonly string[] ServiceColumns = ["Service Name", "Assigned"];

    /// <summary>UserGetRequest22, 22V2…22V9, 23, 23V2, 24: the versions a client may send for the same profile.</summary>
    public static bool IsUserGet(string type) => UserGetVersion().IsMatch(type);

    public static XElement Assignments(XElement command, OcipContext context)
    {
        if (Find(command, context, out var error) is not { } user)
        {
            return error!;
        }

        var services = OtherServices.Append((IntegratedImp, user.HasImpAssigned))
            .OrderBy(s => s.Item1, StringComparer.Ordinal)
            .Select(s => (IReadOnlyList<string?>)[s.Item1, OcipResponse.Bool(s.Item2)]);
        return OcipResponse.Data(command, "UserServiceGetAssignmentListResponse",
            OcipResponse.Table("servicePacksAssignmentTable", ServicePackColumns, []),
            OcipResponse.Table("userServicesAssignmentTable", ServiceColumns, services));
    }

    /// <summary>As an AS, a read of a service the user does not have assigned is an error, not "isActive=false".</summary>
    public static XElement IntegratedImpGet(string type, XElement command, OcipContext context)
    {
        if (Find(command, context, out var error) is not { } user)
        {
            return error!;
        }

        if (!user.HasImpAssigned)
        {
            return OcipResponse.Error(command, OcipError.ServiceNotAssigned, $"{IntegratedImp} is not assigned to {user.UserId}.");
        }

        return OcipResponse.Data(command, type.Replace("Request", "Response", StringComparison.Ordinal),
            new XElement("isActive", OcipResponse.Bool(user.ImpActive)));
    }

    /// <summary>
    /// The profile in the schema's element order (UserGetResponse22); later versions add elements at the end, of which only
    /// the required <c>allowVideo</c> is sent. Required elements the simulator does not hold get the AS's defaults.
    /// </summary>
    public static XElement UserGet(string type, XElement command, OcipContext context)
    {
        if (Find(command, context, out var error) is not { } user)
        {
            return error!;
        }

        var group = context.Store.GroupOf(user);
        var timeZone = user.Timezone ?? "Europe/London";
        var countryCode = group.CountryCode ?? "1";
        return OcipResponse.Data(command, type.Replace("Request", "Response", StringComparison.Ordinal),
            new XElement("serviceProviderId", group.ServiceProviderId),
            new XElement("groupId", group.Id),
            new XElement("userId", user.UserId),
            new XElement("lastName", user.LastName),
            new XElement("firstName", user.FirstName),
            new XElement("callingLineIdLastName", user.LastName),
            new XElement("callingLineIdFirstName", user.FirstName),
            OcipResponse.Optional("phoneNumber", user.Number),
            OcipResponse.Optional("extension", user.Extension),
            new XElement("language", user.Language ?? "English"),
            new XElement("timeZone", timeZone),
            new XElement("timeZoneDisplayName", XsiActions.TimeZoneDisplayName(timeZone) ?? timeZone),
            new XElement("defaultAlias", user.UserId),
            OcipResponse.Optional("mobilePhoneNumber", user.Mobile),
            OcipResponse.Optional("emailAddress", user.Email),
            new XElement("countryCode", countryCode),
            OcipResponse.Optional("nationalPrefix", OcipListCommands.NationalPrefix(countryCode)),
            type == "UserGetRequest22" ? null : new XElement("allowVideo", "true"));
    }

    private static Subscriber? Find(XElement command, OcipContext context, out XElement? error)
    {
        var userId = Child(command, "userId");
        if (userId is not null && context.Store.Find(userId) is { } user)
        {
            error = null;
            return user;
        }

        error = OcipResponse.Error(command, OcipError.UserNotFound, userId);
        return null;
    }

    [GeneratedRegex("^UserGetRequest(22(V[2-9])?|23(V2)?|24)$")]
    private static partial Regex UserGetVersion();
}
