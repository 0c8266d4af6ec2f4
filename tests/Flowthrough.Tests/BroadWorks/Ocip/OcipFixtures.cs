using System.Xml.Linq;
using Flowthrough.BroadWorks.Ocip;

namespace Flowthrough.Tests.BroadWorks.Ocip;

/// <summary>The hand-written AS answer documents under Fixtures/responses (copied to the output directory).</summary>
internal static class OcipFixtures
{
    public static string Path(string name) =>
        System.IO.Path.Combine(AppContext.BaseDirectory, "BroadWorks", "Ocip", "Fixtures", "responses", name);

    public static byte[] Bytes(string name) => File.ReadAllBytes(Path(name));

    /// <summary>Parsed the way the client parses answers (declared encoding honoured).</summary>
    public static XDocument Document(string name) => OcipDocument.Parse(Bytes(name));

    /// <summary>A fixture's response commands, paired with the request commands they answer.</summary>
    public static IReadOnlyList<OcipResponse> Responses(string name, params string[] requestCommands) =>
        OcipDocument.ReadResponses(Document(name), requestCommands);

    /// <summary>A copy of the fixture's first command element, to put into a fake answer.</summary>
    public static XElement Command(string name) =>
        new(Document(name).Root!.Elements().First(e => e.Name.LocalName == "command"));
}
