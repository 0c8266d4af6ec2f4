using System.Globalization;

namespace Flowthrough.Subscribers;

/// <summary>How a subscriber is named to people: the reference they quote and their error in the reader's language.</summary>
public static class SubscriberDisplay
{
    /// <summary>What the subscriber quotes to their administrator, who can search for it in Partner Hub.</summary>
    public static string ReferenceOf(Guid subscriberId) => "FT-" + subscriberId.ToString("N")[^8..].ToUpperInvariant();

    /// <summary>
    /// The catalogue's text in the UI language (with the trace reference of an internal error), else the stored
    /// description.
    /// </summary>
    public static string ErrorText(int? errorCode, string? storedDescription, string? errorReference)
    {
        if (errorCode is not { } code || ErrorCatalog.Find(code) is not { } error)
        {
            return storedDescription ?? "";
        }

        var language = CultureInfo.CurrentUICulture.Name;
        var text = errorReference is null ? error.Describe(language) : error.DescribeWithReference(language, errorReference);
        // A target's refusal is fixed by reading its own words: they follow the catalogue's text as they were stored.
        return code == ErrorCatalog.TargetRejected.Code && storedDescription is not null
            && storedDescription.StartsWith(error.English, StringComparison.Ordinal) && storedDescription.Length > error.English.Length
            ? $"{text} {storedDescription[error.English.Length..].Trim()}"
            : text;
    }
}
