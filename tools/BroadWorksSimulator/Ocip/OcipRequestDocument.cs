using System.Xml;
using System.Xml.Linq;

namespace BroadWorksSimulator.Ocip;

/// <summary>A BroadsoftDocument that could not be read: not XML, too big, or not a BroadsoftDocument.</summary>
internal sealed class OcipFormatException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// An incoming BroadsoftDocument: the session ID and the request commands in order. Clients differ in prefixes, namespace
/// declarations and encodings (PHP, Python lxml in ISO-8859-1, .NET XmlSerializer), so everything is matched by local name.
/// </summary>
internal sealed record OcipRequestDocument(string? SessionId, IReadOnlyList<XElement> Commands)
{
    /// <summary>The schema's limit (OCIMessage: command maxOccurs 15).</summary>
    public const int MaxCommands = 15;

    public const int MaxDocumentBytes = 1024 * 1024;

    public static readonly XNamespace Xsi = "http://www.w3.org/2001/XMLSchema-instance";

    /// <summary>Bytes as they came off a socket; the XML declaration's encoding applies.</summary>
    public static OcipRequestDocument Parse(byte[] document)
    {
        ArgumentNullException.ThrowIfNull(document);
        using var stream = new MemoryStream(document, writable: false);
        using var reader = XmlReader.Create(stream, ReaderSettings());
        return Read(reader);
    }

    /// <summary>Text that has already been decoded (the SOAP transport's arg0).</summary>
    public static OcipRequestDocument Parse(string document)
    {
        ArgumentNullException.ThrowIfNull(document);
        using var text = new StringReader(document.TrimStart());
        using var reader = XmlReader.Create(text, ReaderSettings());
        return Read(reader);
    }

    /// <summary>No DTDs, no external entities, and a size cap: the document comes from the network.</summary>
    public static XmlReaderSettings ReaderSettings() => new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        MaxCharactersInDocument = MaxDocumentBytes,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
    };

    /// <summary>The command's xsi:type without any prefix (<c>c:ErrorResponse</c> → <c>ErrorResponse</c>).</summary>
    public static string TypeOf(XElement command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var type = command.Attribute(Xsi + "type")?.Value.Trim() ?? string.Empty;
        var colon = type.IndexOf(':', StringComparison.Ordinal);
        return colon >= 0 ? type[(colon + 1)..] : type;
    }

    /// <summary>The trimmed text of the first child with this local name, or null when absent or nil.</summary>
    public static string? Child(XElement parent, string localName)
    {
        ArgumentNullException.ThrowIfNull(parent);
        var child = parent.Elements().FirstOrDefault(e => e.Name.LocalName == localName);
        if (child is null || string.Equals(child.Attribute(Xsi + "nil")?.Value, "true", StringComparison.Ordinal))
        {
            return null;
        }

        return child.Value.Trim();
    }

    public static XElement? ChildElement(XElement parent, string localName)
    {
        ArgumentNullException.ThrowIfNull(parent);
        return parent.Elements().FirstOrDefault(e => e.Name.LocalName == localName);
    }

    private static OcipRequestDocument Read(XmlReader reader)
    {
        XElement root;
        try
        {
            root = XElement.Load(reader);
        }
        catch (XmlException exception)
        {
            throw new OcipFormatException($"The document is not well-formed XML: {exception.Message}", exception);
        }

        if (root.Name.LocalName != "BroadsoftDocument")
        {
            throw new OcipFormatException($"The root element is {root.Name.LocalName}, not BroadsoftDocument.");
        }

        var commands = root.Elements().Where(e => e.Name.LocalName == "command").ToList();
        if (commands.Count == 0)
        {
            throw new OcipFormatException("The document holds no command.");
        }

        return new OcipRequestDocument(Child(root, "sessionId"), commands);
    }
}
