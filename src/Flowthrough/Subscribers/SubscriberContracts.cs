using System.Globalization;

namespace Flowthrough.Subscribers;

/// <summary>POST /v1/broadworks/subscribers: the public Webex field names.</summary>
public class ProvisionSubscriberRequest
{
    public string? ProvisioningId { get; set; }
    public string? UserId { get; set; }
    public string? SpEnterpriseId { get; set; }
    public string? FirstName { get; set; }
    public string? LastName { get; set; }
    public string? Package { get; set; }
    public string? Email { get; set; }
    public string? PrimaryPhoneNumber { get; set; }
    public string? MobilePhoneNumber { get; set; }
    public string? Extension { get; set; }
    public string? Language { get; set; }
    public string? Timezone { get; set; }
}

/// <summary>
/// POST /v1/broadworks/subscribers/validate: only <c>email</c> is required. With nothing but the email (and
/// optionally <c>customerInfo</c>) it checks the email; with the subscriber's fields it checks a whole POST.
/// </summary>
public sealed class PrecheckSubscriberRequest : ProvisionSubscriberRequest
{
    public PrecheckCustomerInfo? CustomerInfo { get; set; }
}

/// <summary>The customer the subscriber would be provisioned into, named by its primary email.</summary>
public sealed class PrecheckCustomerInfo
{
    public string? PrimaryEmail { get; set; }
}

/// <summary>PUT /v1/broadworks/subscribers/{id}: a missing field is unchanged; an empty number removes it.</summary>
public sealed class UpdateSubscriberRequest
{
    /// <summary>The user's new BroadWorks user ID (renamed on the AS); unique within the partner.</summary>
    public string? UserId { get; set; }

    public string? FirstName { get; set; }
    public string? LastName { get; set; }
    public string? Email { get; set; }
    public string? Package { get; set; }
    public string? PrimaryPhoneNumber { get; set; }
    public string? MobilePhoneNumber { get; set; }
    public string? Extension { get; set; }
    public string? Language { get; set; }
    public string? Timezone { get; set; }
}

public sealed record SubscriberErrorResponse(int ErrorCode, string Description);

public sealed record SubscriberResponse(
    string Id,
    string? PersonId,
    string UserId,
    string SpEnterpriseId,
    string FirstName,
    string LastName,
    string? Email,
    string? PrimaryPhoneNumber,
    string? MobilePhoneNumber,
    string? Extension,
    string Package,
    string? Language,
    string? Timezone,
    string Status,
    IReadOnlyList<SubscriberErrorResponse>? Errors,
    string Created,
    string LastStatusChange,
    string ProvisioningId,
    bool SelfActivated)
{
    public static SubscriberResponse From(Subscriber s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return new(
            s.Id.ToString(),
            s.Status == SubscriberStatus.Provisioned ? s.PersonId?.ToString() ?? s.TargetUserId : null,
            s.UserId,
            s.SpEnterpriseId,
            s.FirstName,
            s.LastName,
            s.Email,
            s.PrimaryPhoneNumber,
            s.MobilePhoneNumber,
            s.Extension,
            s.Package.ToWire(),
            s.Language,
            s.Timezone,
            s.Status.ToWire(),
            s.ErrorCode is { } code ? [new SubscriberErrorResponse(code, s.ErrorDescription ?? "")] : null,
            Timestamp(s.Created),
            Timestamp(s.LastStatusChange),
            s.ProvisioningId,
            s.SelfActivated);
    }

    /// <summary>ISO 8601 UTC with milliseconds, as the public API writes timestamps.</summary>
    public static string Timestamp(DateTime utc) =>
        utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}

public sealed record SubscriberListResponse(IReadOnlyList<SubscriberResponse> Items);
