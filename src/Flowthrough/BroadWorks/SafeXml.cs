using System.Xml;
using System.Xml.Linq;

namespace Flowthrough.BroadWorks;

/// <summary>
/// Reads XML a peer sent (an AS, an XSP, or anything posing as one): no DTD (so no entity expansion and no external
/// entity), no resolver, a bounded size and a bounded element depth. The depth bound matters because LINQ to XML
/// reads text (<see cref="XElement.Value"/>) recursively: a document nested a hundred thousand deep, well inside the
/// size limit, would overflow the stack, which no catch block survives.
/// </summary>
internal static class SafeXml
{
    /// <summary>OCI-P, SOAP and Xsi documents nest under ten deep; this leaves room and keeps far from the stack's limit.</summary>
    public const int MaxDepth = 64;

    public static XmlReaderSettings Settings(long maxCharacters) => new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        MaxCharactersInDocument = maxCharacters,
        MaxCharactersFromEntities = 1024,
        IgnoreProcessingInstructions = true,
        // Each reader owns the stream or text reader it is created on.
        CloseInput = true,
    };

    /// <summary>
    /// Loads the document <paramref name="open"/> reads, after a first pass that refuses one nested deeper than
    /// <see cref="MaxDepth"/> before any tree is built. Anything refused is an <see cref="XmlException"/>.
    /// </summary>
    public static XDocument Load(Func<XmlReader> open)
    {
        ArgumentNullException.ThrowIfNull(open);
        using (var scan = open())
        {
            while (scan.Read())
            {
                if (scan.Depth > MaxDepth)
                {
                    throw new XmlException($"The document nests elements deeper than {MaxDepth}.");
                }
            }
        }

        using var reader = open();
        return XDocument.Load(reader);
    }
}
