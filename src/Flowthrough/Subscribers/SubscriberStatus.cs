namespace Flowthrough.Subscribers;

public enum SubscriberStatus
{
    PendingEmailInput,
    PendingEmailValidation,
    PendingUserMigration,
    Provisioning,
    Provisioned,
    Updating,
    Error,
}

public enum SubscriberPackage
{
    Softphone,
    Basic,
    Standard,
    Premium,
}

public enum SubscriberSource
{
    Api,
    FlowThrough,
    SelfActivation,
}

/// <summary>The exact wire values of the public API (snake_case statuses, lower-case packages).</summary>
public static class WireValues
{
    private static readonly Dictionary<SubscriberStatus, string> StatusNames = new()
    {
        [SubscriberStatus.PendingEmailInput] = "pending_email_input",
        [SubscriberStatus.PendingEmailValidation] = "pending_email_validation",
        [SubscriberStatus.PendingUserMigration] = "pending_user_migration",
        [SubscriberStatus.Provisioning] = "provisioning",
        [SubscriberStatus.Provisioned] = "provisioned",
        [SubscriberStatus.Updating] = "updating",
        [SubscriberStatus.Error] = "error",
    };

    private static readonly Dictionary<string, SubscriberStatus> StatusByName =
        StatusNames.ToDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);

    public static string ToWire(this SubscriberStatus status) => StatusNames[status];

    public static bool TryParseStatus(string value, out SubscriberStatus status) =>
        StatusByName.TryGetValue(value, out status);

    // Looked up, not formatted: an export writes one per row.
    private static readonly Dictionary<SubscriberPackage, string> PackageNames =
        Enum.GetValues<SubscriberPackage>().ToDictionary(p => p, p => p.ToString().ToLowerInvariant());

    public static string ToWire(this SubscriberPackage package) =>
        PackageNames.TryGetValue(package, out var name) ? name : package.ToString().ToLowerInvariant();

    public static bool TryParsePackage(string value, out SubscriberPackage package)
    {
        package = default;
        // Enum.TryParse accepts numbers ("2"), which the API must not.
        return value.Length > 0 && char.IsLetter(value[0])
            && Enum.TryParse(value, ignoreCase: true, out package)
            && Enum.IsDefined(package);
    }

    public static bool IsPending(this SubscriberStatus status) =>
        status is SubscriberStatus.PendingEmailInput or SubscriberStatus.PendingEmailValidation
            or SubscriberStatus.PendingUserMigration;
}
