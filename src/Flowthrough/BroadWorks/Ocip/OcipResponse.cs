using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Flowthrough.BroadWorks.Ocip;

/// <summary>One response command of an answer document, paired with the request command it answers.</summary>
public sealed partial class OcipResponse
{
    internal OcipResponse(string command, XElement element)
    {
        Command = command;
        Element = element;
        Type = OcipDocument.LocalType(element);
    }

    /// <summary>The request command this answers, e.g. UserGetRequest22.</summary>
    public string Command { get; }

    /// <summary>The response's type without prefix, e.g. UserGetResponse22 or ErrorResponse.</summary>
    public string Type { get; }

    public XElement Element { get; }

    public bool IsError => Type == "ErrorResponse";

    /// <summary>The first child element with this name (namespaces ignored: the AS writes them unqualified).</summary>
    public XElement? Child(string elementName) =>
        Element.Elements().FirstOrDefault(e => e.Name.LocalName == elementName);

    public string? Value(string elementName) => Child(elementName)?.Value;

    public OcipTable Table(string elementName)
    {
        EnsureSuccess();
        var table = Child(elementName)
            ?? throw new OcipProtocolException($"{Type} to {Command} has no <{elementName}>.");
        return OcipTable.Parse(table);
    }

    public void EnsureSuccess()
    {
        if (IsError)
        {
            throw ToException();
        }
    }

    /// <summary>This ErrorResponse as an exception naming the refused command.</summary>
    public OcipErrorException ToException()
    {
        var summary = Value("summaryEnglish") is { Length: > 0 } english ? english : Value("summary") ?? "(no summary)";
        var detail = Value("detail");
        return new OcipErrorException(Command, summary, string.IsNullOrWhiteSpace(detail) ? null : detail, ErrorCode(summary));
    }

    // errorCode is an optional element in the schema; older ASes only put "[Error 4962] ..." in the summary.
    private int? ErrorCode(string summary)
    {
        var text = Value("errorCode") ?? (string?)Element.Attribute("errorCode");
        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var code))
        {
            return code;
        }

        // ASCII digits only, and parsed without throwing: an AS's summary is untrusted text.
        var match = ErrorInSummary().Match(summary);
        return match.Success && int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var inSummary)
            ? inSummary
            : null;
    }

    [GeneratedRegex(@"^\s*\[Error ([0-9]+)\]")]
    private static partial Regex ErrorInSummary();
}
