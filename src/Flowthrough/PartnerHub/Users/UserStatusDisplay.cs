using System.Globalization;
using Flowthrough.Subscribers;
using Microsoft.Extensions.Localization;

namespace Flowthrough.PartnerHub.Users;

/// <summary>
/// How User Status shows a row, shared by the list and its per-row action pages: status in the help page's words,
/// the error as the catalogue says it, what Copy Error Text copies, and why a row action does not apply.
/// </summary>
public sealed class UserStatusDisplay(IStringLocalizer<UserStatusText> text, IStringLocalizer<HubText> hub)
{
    /// <summary>The row actions, in the help page's order; each is also the last segment of its no-JavaScript page.</summary>
    public const string Retry = "retry";
    public const string Delete = "delete";
    public const string Package = "package";
    public const string Error = "error";

    public static readonly IReadOnlyList<string> Actions = [Retry, Delete, Package, Error];

    public string StatusWord(SubscriberStatus status) => status switch
    {
        SubscriberStatus.Provisioned => text["Status_Provisioned"],
        SubscriberStatus.Error => text["Status_Error"],
        SubscriberStatus.PendingEmailInput => $"{text["Status_Pending"]}: {text["Pending_EmailInput"]}",
        SubscriberStatus.PendingEmailValidation => $"{text["Status_Pending"]}: {text["Pending_EmailValidation"]}",
        SubscriberStatus.PendingUserMigration => $"{text["Status_Pending"]}: {text["Pending_UserMigration"]}",
        _ => text["Status_InProgress"],
    };

    public static string StatusClass(SubscriberStatus status) => status switch
    {
        SubscriberStatus.Provisioned => "status-provisioned",
        SubscriberStatus.Error => "status-error",
        _ when status.IsPending() => "status-pending",
        _ => "status-progress",
    };

    /// <summary>Provisioning or updating: the rows the live refresh follows.</summary>
    public static bool InProgress(SubscriberStatus status) =>
        status is SubscriberStatus.Provisioning or SubscriberStatus.Updating;

    public string PackageName(SubscriberPackage package) => hub["Package_" + package];

    /// <summary>The catalogue's text in the UI language, else the stored description.</summary>
    public static string ErrorText(UserStatusRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return SubscriberDisplay.ErrorText(row.ErrorCode, row.ErrorDescription, row.ErrorReference);
    }

    /// <summary>What Copy Error Text puts on the clipboard: code, description, reference and time.</summary>
    public string CopyText(UserStatusRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return $"{text["Copy_Error"]} {row.ErrorCode}: {ErrorText(row)}\n" +
            $"{text["Copy_Reference"]}: {SubscriberDisplay.ReferenceOf(row.Id)}\n" +
            $"{text["Copy_Time"]}: {SubscriberResponse.Timestamp(row.LastStatusChange)}";
    }

    /// <summary>
    /// Why <paramref name="action"/> does not apply to the row, or null when it does. The rules are the entity's
    /// (<see cref="Subscriber.CanRetryActivation"/>, <see cref="Subscriber.CanChangePackage"/>); this only words them.
    /// </summary>
    public string? WhyNot(string action, UserStatusRow row, bool readOnly)
    {
        ArgumentNullException.ThrowIfNull(row);
        return action switch
        {
            // Copying changes nothing: a read-only admin may copy the error text.
            Error => row.ErrorCode is null ? text["Why_NoError"].Value : null,
            _ when readOnly => text["Why_ReadOnly"].Value,
            Retry when !Subscriber.CanRetryActivation(row.Status) => row.Status == SubscriberStatus.Provisioned
                ? text["Why_Provisioned"].Value
                : text["Why_InProgress"].Value,
            Package when !Subscriber.CanChangePackage(row.Status) => text["Why_InProgress"].Value,
            _ => null,
        };
    }

    public string ActionLabel(string action) => action switch
    {
        Retry => text["RetryActivation"],
        Delete => text["DeleteUser"],
        Package => text["ChangePackage"],
        _ => text["CopyErrorText"],
    };

    public static string Time(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
