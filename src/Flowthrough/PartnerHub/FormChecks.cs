using System.Globalization;
using System.Net.Mail;

namespace Flowthrough.PartnerHub;

/// <summary>The format checks the configuration forms share.</summary>
public static class FormChecks
{
    /// <summary>A bare address (no display name), as a mail relay accepts it.</summary>
    public static bool IsEmail(string value) =>
        MailAddress.TryCreate(value, out var address) && address.Address == value && string.IsNullOrEmpty(address.DisplayName)
        && address.Host.Length > 0;

    /// <summary>An absolute http:// or https:// URL with a host.</summary>
    public static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && !string.IsNullOrEmpty(uri.Host);

    /// <summary>Trimmed text, or null when nothing but white space was typed.</summary>
    public static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>A whole number typed as text (digits only, no sign) within [min, max]; numbers are posted as text so that "abc" gets the form's own message.</summary>
    public static bool InRange(string? text, int min, int max, out int value) =>
        int.TryParse(Clean(text), NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max;
}
