using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace Flowthrough.BroadWorks.Ocip;

/// <summary>
/// The BroadsoftDocument envelope: builds request documents (one or more commands) and reads the answer,
/// one response command per request command, in order.
/// </summary>
internal static class OcipDocument
{
    public static readonly XNamespace Protocol = "C";
    public static readonly XNamespace Xsi = "http://www.w3.org/2001/XMLSchema-instance";

    /// <summary>Big enough for a page of 2000 users, small enough that a runaway answer cannot exhaust memory.</summary>
    public const int MaxDocumentBytes = 32 * 1024 * 1024;

    public const string Declaration = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";

    // No DTDs, no external resources, bounded depth: an AS (or anything posing as one) cannot make the parser fetch,
    // expand or recurse.
    private static readonly XmlReaderSettings ReaderSettings = SafeXml.Settings(MaxDocumentBytes);

    /// <summary>
    /// A request document. Each element of <paramref name="commands"/> is named after its command type
    /// (e.g. <c>UserGetRequest22</c>) and holds the command's fields in schema order.
    /// </summary>
    public static XDocument Build(string sessionId, IEnumerable<XElement> commands) =>
        new(new XElement(Protocol + "BroadsoftDocument",
            new XAttribute("protocol", "OCI"),
            new XAttribute("xmlns", Protocol.NamespaceName),
            new XAttribute(XNamespace.Xmlns + "xsi", Xsi.NamespaceName),
            new XElement("sessionId", sessionId),
            commands.Select(ToCommand)));

    private static XElement ToCommand(XElement command) =>
        new("command", new XAttribute(Xsi + "type", command.Name.LocalName), command.Attributes(), command.Nodes());

    public static string ToText(XDocument document) =>
        Declaration + document.Root!.ToString(SaveOptions.DisableFormatting);

    public static byte[] ToBytes(XDocument document) => Encoding.UTF8.GetBytes(ToText(document));

    /// <summary>Reads a document from bytes; the XML declaration's encoding (UTF-8, ISO-8859-1) is honoured.</summary>
    public static XDocument Parse(byte[] bytes) =>
        Load(() => XmlReader.Create(new MemoryStream(bytes, writable: false), ReaderSettings));

    /// <summary>Reads a document already decoded to text (the SOAP transport's payload).</summary>
    public static XDocument Parse(string text) => Load(() => XmlReader.Create(new StringReader(text), ReaderSettings));

    private static XDocument Load(Func<XmlReader> open)
    {
        try
        {
            return SafeXml.Load(open);
        }
        catch (XmlException e)
        {
            throw new OcipProtocolException($"The AS answered a document that is not valid XML: {e.Message}", e);
        }
    }

    /// <summary>
    /// Pairs the answer's command elements with the request's command types. An AS that cannot read a document
    /// answers it with a single ErrorResponse; that is reported as the first command's error.
    /// </summary>
    public static IReadOnlyList<OcipResponse> ReadResponses(XDocument answer, IReadOnlyList<string> requestCommands)
    {
        var root = answer.Root;
        if (root is null || root.Name.LocalName != "BroadsoftDocument")
        {
            throw new OcipProtocolException($"The AS answered a <{root?.Name.LocalName}> document instead of a BroadsoftDocument.");
        }

        var commands = root.Elements().Where(e => e.Name.LocalName == "command").ToList();
        if (commands.Count != requestCommands.Count)
        {
            if (commands.Count == 1 && requestCommands.Count > 0)
            {
                var single = new OcipResponse(requestCommands[0], commands[0]);
                if (single.IsError)
                {
                    throw single.ToException();
                }
            }

            throw new OcipProtocolException(
                $"The AS answered {commands.Count} commands to a document of {requestCommands.Count}.");
        }

        return [.. commands.Select((element, i) => new OcipResponse(requestCommands[i], element))];
    }

    /// <summary>The local name of an <c>xsi:type</c> value, without any prefix (<c>c:ErrorResponse</c> → ErrorResponse).</summary>
    public static string LocalType(XElement command)
    {
        var type = (string?)command.Attribute(Xsi + "type") ?? "";
        var colon = type.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? type : type[(colon + 1)..];
    }
}
