using System.Globalization;
using Flowthrough.Api;

namespace Flowthrough.Subscribers;

/// <summary>The list filters, bound as strings so that a bad value gets our error answer, not the framework's.</summary>
public sealed class SubscriberListQuery
{
    public const int DefaultMax = 50;
    public const int MaxMax = 100;

    public string? UserId { get; set; }
    public string? PersonId { get; set; }
    public string? Email { get; set; }
    public string? ProvisioningId { get; set; }
    public string? SpEnterpriseId { get; set; }

    /// <summary>Comma-separated statuses.</summary>
    public string? Status { get; set; }

    /// <summary>Changed after: epoch milliseconds or ISO 8601.</summary>
    public string? LastStatusChange { get; set; }

    /// <summary>Created after: epoch milliseconds or ISO 8601.</summary>
    public string? After { get; set; }

    public string? SelfActivated { get; set; }
    public string? Max { get; set; }

    /// <summary>Opaque position from the previous page's Link header.</summary>
    public string? Cursor { get; set; }

    public sealed record Parsed(
        string? UserId,
        Guid? PersonId,
        string? NormalizedEmail,
        string? ProvisioningId,
        string? SpEnterpriseId,
        IReadOnlyList<SubscriberStatus> Statuses,
        DateTime? ChangedAfter,
        DateTime? CreatedAfter,
        bool? SelfActivated,
        int Max,
        long AfterSeq);

    public (Parsed? Query, List<ApiError> Errors) Parse()
    {
        var errors = new List<ApiError>();
        Guid? personId = null;
        if (!string.IsNullOrEmpty(PersonId))
        {
            if (Guid.TryParse(PersonId, out var parsed))
            {
                personId = parsed;
            }
            else
            {
                errors.Add(Format("personId", "personId is not a valid person id."));
            }
        }

        var statuses = new List<SubscriberStatus>();
        foreach (var value in (Status ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (WireValues.TryParseStatus(value, out var status))
            {
                statuses.Add(status);
            }
            else
            {
                errors.Add(Format("status",
                    $"'{value}' is not a status; use pending_email_input, pending_email_validation, " +
                    "pending_user_migration, provisioning, provisioned, updating or error."));
            }
        }

        var changedAfter = ParseTime("lastStatusChange", LastStatusChange, errors);
        var createdAfter = ParseTime("after", After, errors);

        bool? selfActivated = null;
        if (!string.IsNullOrEmpty(SelfActivated))
        {
            if (bool.TryParse(SelfActivated, out var flag))
            {
                selfActivated = flag;
            }
            else
            {
                errors.Add(Format("selfActivated", "selfActivated must be true or false."));
            }
        }

        var max = DefaultMax;
        if (!string.IsNullOrEmpty(Max)
            && (!int.TryParse(Max, NumberStyles.None, CultureInfo.InvariantCulture, out max) || max < 1 || max > MaxMax))
        {
            errors.Add(Format("max", $"max must be a whole number from 1 to {MaxMax}."));
        }

        long afterSeq = 0;
        if (!string.IsNullOrEmpty(Cursor)
            && (!long.TryParse(Cursor, NumberStyles.None, CultureInfo.InvariantCulture, out afterSeq) || afterSeq < 0))
        {
            errors.Add(Format("cursor", "cursor is not one this API issued; follow the Link header."));
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        return (new Parsed(
            NullIfEmpty(UserId), personId,
            string.IsNullOrEmpty(Email) ? null : Subscriber.NormalizeEmail(Email),
            NullIfEmpty(ProvisioningId), NullIfEmpty(SpEnterpriseId), statuses, changedAfter, createdAfter,
            selfActivated, max, afterSeq), errors);
    }

    /// <summary>Epoch milliseconds or an ISO 8601 date-time; a value without an offset is taken as UTC.</summary>
    public static DateTime? ParseTime(string field, string? value, List<ApiError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var epochMs))
        {
            if (epochMs <= DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
            {
                return DateTimeOffset.FromUnixTimeMilliseconds(epochMs).UtcDateTime;
            }
        }
        else if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture,
                     DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed)
                 && value.Contains('-', StringComparison.Ordinal))
        {
            return parsed.UtcDateTime;
        }

        errors.Add(Format(field, $"{field} must be epoch milliseconds or an ISO 8601 date-time."));
        return null;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static ApiError Format(string field, string detail) => new(ErrorCatalog.InvalidFormat, field, detail);
}
