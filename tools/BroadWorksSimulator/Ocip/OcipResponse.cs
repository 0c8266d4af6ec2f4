using System.Xml.Linq;

namespace BroadWorksSimulator.Ocip;

/// <summary>
/// Builds answers the way an AS writes them: <c>&lt;command echo="" xsi:type="XResponse" xmlns=""&gt;</c>, errors as
/// <c>&lt;command type="Error" echo="" xsi:type="c:ErrorResponse" xmlns:c="C" xmlns=""&gt;</c>, all in one UTF-8
/// BroadsoftDocument with the request's session ID.
/// </summary>
internal static class OcipResponse
{
    public const string Declaration = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

    private static readonly XNamespace Core = "C";
    private static readonly XNamespace Xsi = OcipRequestDocument.Xsi;

    public static XElement Data(XElement request, string type, params object?[] content) =>
        new("command", new XAttribute("echo", Echo(request)), new XAttribute(Xsi + "type", type), content);

    public static XElement Success(XElement request) => Data(request, "SuccessResponse");

    public static XElement Error(XElement? request, OcipError error, string? detail = null)
    {
        ArgumentNullException.ThrowIfNull(error);
        var summary = $"[Error {error.Code}] {error.Summary}";
        return new XElement("command",
            new XAttribute("type", "Error"),
            new XAttribute("echo", request is null ? string.Empty : Echo(request)),
            new XAttribute(Xsi + "type", "c:ErrorResponse"),
            new XAttribute(XNamespace.Xmlns + "c", Core.NamespaceName),
            new XElement("errorCode", error.Code),
            new XElement("summary", summary),
            new XElement("summaryEnglish", summary),
            detail is null ? null : new XElement("detail", detail));
    }

    /// <summary>An OCITable: column headings, then one row per item; a reader finds columns by heading.</summary>
    public static XElement Table(string name, IReadOnlyList<string> headings, IEnumerable<IReadOnlyList<string?>> rows) =>
        new(name,
            headings.Select(h => new XElement("colHeading", h)),
            rows.Select(row => new XElement("row", row.Select(value => new XElement("col", value ?? string.Empty)))));

    /// <summary>An optional element: left out when there is no value, as the schema's minOccurs="0" allows.</summary>
    public static XElement? Optional(string name, string? value) =>
        string.IsNullOrEmpty(value) ? null : new XElement(name, value);

    public static string Bool(bool value) => value ? "true" : "false";

    public static string Document(string? sessionId, IEnumerable<XElement> responses)
    {
        var root = new XElement(Core + "BroadsoftDocument",
            new XAttribute("protocol", "OCI"),
            new XAttribute("xmlns", Core.NamespaceName),
            new XAttribute(XNamespace.Xmlns + "xsi", Xsi.NamespaceName),
            new XElement("sessionId", sessionId ?? string.Empty),
            responses);
        return Declaration + root.ToString(SaveOptions.DisableFormatting);
    }

    private static string Echo(XElement request) => request.Attribute("echo")?.Value ?? string.Empty;
}
