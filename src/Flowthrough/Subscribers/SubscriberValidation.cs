using System.Net.Mail;
using System.Text.RegularExpressions;
using Flowthrough.Api;

namespace Flowthrough.Subscribers;

/// <summary>The checks of every subscriber input, in the order the API reports them: missing, size, format.</summary>
public static partial class SubscriberValidation
{
    [GeneratedRegex(@"^[a-z]{2}(_[A-Z]{2})?$")]
    private static partial Regex LanguagePattern();

    [GeneratedRegex(@"^\+?[0-9][0-9 ()\-.]*$")]
    private static partial Regex PhonePattern();

    [GeneratedRegex(@"^[0-9]+$")]
    private static partial Regex ExtensionPattern();

    public static List<ApiError> ValidateProvision(ProvisionSubscriberRequest r, bool emailRequired)
    {
        ArgumentNullException.ThrowIfNull(r);
        var errors = new List<ApiError>();
        Required(errors, "provisioningId", r.ProvisioningId);
        Required(errors, "userId", r.UserId);
        Required(errors, "spEnterpriseId", r.SpEnterpriseId);
        Required(errors, "firstName", r.FirstName);
        Required(errors, "lastName", r.LastName);
        Required(errors, "package", r.Package);
        if (emailRequired)
        {
            Required(errors, "email", r.Email);
        }

        if (string.IsNullOrWhiteSpace(r.PrimaryPhoneNumber) && string.IsNullOrWhiteSpace(r.Extension))
        {
            errors.Add(new ApiError(ErrorCatalog.MissingParameter, "primaryPhoneNumber",
                "A primaryPhoneNumber or an extension is required."));
        }

        MaxLength(errors, "provisioningId", r.ProvisioningId, SubscriberLimits.ProvisioningId);
        MaxLength(errors, "userId", r.UserId, SubscriberLimits.UserId);
        MaxLength(errors, "spEnterpriseId", r.SpEnterpriseId, SubscriberLimits.SpEnterpriseId);
        ValidateDetails(errors, r.FirstName, r.LastName, r.Email, r.Package, r.PrimaryPhoneNumber,
            r.MobilePhoneNumber, r.Extension, r.Language, r.Timezone);
        return errors;
    }

    public static List<ApiError> ValidateUpdate(UpdateSubscriberRequest r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var errors = new List<ApiError>();
        if (r.UserId is { } userId && string.IsNullOrWhiteSpace(userId))
        {
            errors.Add(new ApiError(ErrorCatalog.MissingParameter, "userId", "userId cannot be empty."));
        }

        MaxLength(errors, "userId", r.UserId, SubscriberLimits.UserId);
        if (r.FirstName is { } first && string.IsNullOrWhiteSpace(first))
        {
            errors.Add(new ApiError(ErrorCatalog.MissingParameter, "firstName", "firstName cannot be empty."));
        }

        if (r.LastName is { } last && string.IsNullOrWhiteSpace(last))
        {
            errors.Add(new ApiError(ErrorCatalog.MissingParameter, "lastName", "lastName cannot be empty."));
        }

        ValidateDetails(errors, r.FirstName, r.LastName, r.Email, NullIfEmpty(r.Package), NullIfEmpty(r.PrimaryPhoneNumber),
            NullIfEmpty(r.MobilePhoneNumber), NullIfEmpty(r.Extension), NullIfEmpty(r.Language), NullIfEmpty(r.Timezone));
        return errors;
    }

    /// <summary>Size and format of the contact fields every intake path shares.</summary>
    public static void ValidateDetails(List<ApiError> errors, string? firstName, string? lastName, string? email,
        string? package, string? primary, string? mobile, string? extension, string? language, string? timezone)
    {
        MaxLength(errors, "firstName", firstName, SubscriberLimits.Name);
        MaxLength(errors, "lastName", lastName, SubscriberLimits.Name);
        MaxLength(errors, "email", email, SubscriberLimits.Email);
        MaxLength(errors, "primaryPhoneNumber", primary, SubscriberLimits.PhoneNumber);
        MaxLength(errors, "mobilePhoneNumber", mobile, SubscriberLimits.PhoneNumber);
        MaxLength(errors, "extension", extension, SubscriberLimits.Extension);

        if (!string.IsNullOrWhiteSpace(email) && email.Length <= SubscriberLimits.Email && !IsEmail(email))
        {
            errors.Add(Format("email", $"'{email}' is not a valid email address."));
        }

        if (!string.IsNullOrWhiteSpace(package) && !WireValues.TryParsePackage(package, out _))
        {
            errors.Add(Format("package", "package must be one of softphone, basic, standard, premium."));
        }

        Pattern(errors, "primaryPhoneNumber", primary, SubscriberLimits.PhoneNumber, PhonePattern(),
            "primaryPhoneNumber may hold digits, spaces, dashes, dots and parentheses, with an optional leading +.");
        Pattern(errors, "mobilePhoneNumber", mobile, SubscriberLimits.PhoneNumber, PhonePattern(),
            "mobilePhoneNumber may hold digits, spaces, dashes, dots and parentheses, with an optional leading +.");
        Pattern(errors, "extension", extension, SubscriberLimits.Extension, ExtensionPattern(),
            "extension must be digits only.");
        Pattern(errors, "language", language, 5, LanguagePattern(),
            "language must be an ISO 639-1 code, optionally with an ISO 3166 country: 'pl' or 'pl_PL'.");
        if (language is { Length: > 5 })
        {
            errors.Add(new ApiError(ErrorCatalog.InvalidSize, "language", "language is at most 5 characters (ll_CC)."));
        }

        if (!string.IsNullOrEmpty(timezone) && !IsTimeZone(timezone))
        {
            errors.Add(Format("timezone", $"'{timezone}' is not an IANA time zone such as Europe/Warsaw."));
        }
    }

    public static bool IsEmail(string value) =>
        value.Length <= SubscriberLimits.Email
        && !value.Any(char.IsWhiteSpace)
        && MailAddress.TryCreate(value, out var address)
        && address.Address == value
        && address.Host.Contains('.', StringComparison.Ordinal)
        && !address.Host.EndsWith('.');

    private static bool IsTimeZone(string value) =>
        value.Length <= 64 && value.Contains('/', StringComparison.Ordinal)
        && TimeZoneInfo.TryFindSystemTimeZoneById(value, out _)
        || value == "UTC";

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static ApiError Format(string field, string detail) => new(ErrorCatalog.InvalidFormat, field, detail);

    public static void Required(List<ApiError> errors, string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(new ApiError(ErrorCatalog.MissingParameter, field, $"The mandatory field {field} is missing."));
        }
    }

    public static void MaxLength(List<ApiError> errors, string field, string? value, int limit)
    {
        if (value is not null && value.Length > limit)
        {
            errors.Add(new ApiError(ErrorCatalog.InvalidSize, field,
                $"{field} is {value.Length} characters long; the limit is {limit}."));
        }
    }

    private static void Pattern(List<ApiError> errors, string field, string? value, int limit, Regex pattern,
        string detail)
    {
        if (!string.IsNullOrEmpty(value) && value.Length <= limit && !pattern.IsMatch(value))
        {
            errors.Add(Format(field, detail));
        }
    }

    /// <summary>Orders errors by the API's precedence: a missing field before a size before a format problem.</summary>
    public static List<ApiError> Ordered(this List<ApiError> errors) =>
        [.. errors.OrderBy(e => e.Error.Code)];
}
