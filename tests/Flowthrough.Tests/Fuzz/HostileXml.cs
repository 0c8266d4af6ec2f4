using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace Flowthrough.Tests.Fuzz;

/// <summary>
/// Answer documents a hostile or broken AS/XSP could send: plausible OCI-P and Xsi documents with hostile values,
/// DTDs (internal and external entities, billion laughs), deep nesting, large documents, invalid UTF-8, lying
/// encoding declarations, truncation and plain garbage.
/// </summary>
internal static class HostileXml
{
    public const string XsiNamespace = "http://schema.broadsoft.com/xsi";

    /// <summary>Text as XML content: markup escaped, but control characters and lone surrogates left (not well-formed).</summary>
    public static string Escape(string value) =>
        value.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal)
            .Replace(">", "&gt;", StringComparison.Ordinal).Replace("\"", "&quot;", StringComparison.Ordinal);

    /// <summary>A field value: escaped hostile text mostly, raw hostile text (markup and all) sometimes.</summary>
    private static readonly Gen<string> Content = Gen.Frequency(
        (6, Fuzz.Text.Select(Escape)),
        (1, Fuzz.Text),
        (1, Gen.Elements("<![CDATA[<x>&]]>", "<!-- c -->", "<?pi x?>", "&amp;&lt;", "&unknown;", "&#0;", "&#xD800;",
            "&#x10FFFF;", "<nested><deeper/></nested>", "]]>", "&#65;")));

    private static readonly string[] ResponseTypes =
    [
        "UserGetResponse22", "ErrorResponse", "c:ErrorResponse", "SuccessResponse", "UserServiceGetAssignmentListResponse",
        "UserIntegratedIMPGetResponse", "UserGetListInGroupPagedSortedListResponse", "ServiceProviderGetListResponse",
        "AuthenticationResponse", "", "xsi:nil", "::", "a:b:c",
    ];

    private static readonly string[] Elements =
    [
        "summary", "summaryEnglish", "errorCode", "detail", "userId", "firstName", "lastName", "serviceProviderId",
        "groupId", "phoneNumber", "extension", "emailAddress", "isActive", "nonce", "language", "timeZone",
    ];

    private static readonly string[] Headings =
    [
        "User Id", "First Name", "Last Name", "Service Name", "Assigned", "Service Provider Id", "Is Enterprise",
        "Group Id", "Email Address", "Phone Number", "Extension",
    ];

    private static Gen<string> Field(string[] names) =>
        Gen.Elements(names).Zip(Content, (name, value) => $"<{name}>{value}</{name}>");

    private static readonly Gen<string> Table = Gen.Elements("userServicesAssignmentTable", "userTable", "serviceProviderTable", "groupTable")
        .SelectMany(name => Gen.Elements(Headings).ListOf().Zip(Content.ListOf().ListOf(), (headings, rows) =>
            $"<{name}>{string.Concat(headings.Select(h => $"<colHeading>{h}</colHeading>"))}" +
            $"{string.Concat(rows.Select(cols => "<row>" + string.Concat(cols.Select(c => $"<col>{c}</col>")) + "</row>"))}</{name}>"));

    private static readonly Gen<string> Command = Gen.Elements(ResponseTypes)
        .Zip(Gen.Frequency((3, Field(Elements)), (1, Table)).ListOf(), (type, children) =>
            $"<command xsi:type=\"{type}\"{(type.StartsWith("c:", StringComparison.Ordinal) ? " xmlns:c=\"C\"" : "")}>" +
            string.Concat(children) + "</command>");

    /// <summary>An OCI-P answer of some commands, with hostile values.</summary>
    public static readonly Gen<string> OcipAnswer = Command.ListOf().Select(commands =>
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><BroadsoftDocument protocol=\"OCI\" xmlns=\"C\" " +
        "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><sessionId xmlns=\"\">s</sessionId>" +
        string.Concat(commands) + "</BroadsoftDocument>");

    /// <summary>An Xsi-Actions profile with hostile values.</summary>
    public static readonly Gen<string> XsiProfile = Field(["userId", "firstName", "lastName", "groupId", "number", "extension"]).ListOf()
        .Zip(Field(["mobile", "emailAddress"]).ListOf()).Zip(Content, (lists, sp) => (lists.Item1, lists.Item2, sp))
        .Select(((List<string> details, List<string> additional, string sp) parts) =>
            $"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Profile xmlns=\"{XsiNamespace}\"><details>{string.Concat(parts.details)}" +
            $"<serviceProvider isEnterprise=\"true\">{parts.sp}</serviceProvider></details><additionalDetails>" +
            $"{string.Concat(parts.additional)}</additionalDetails><timeZone>Europe/Warsaw</timeZone></Profile>");

    private const string Laughs =
        "<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">" +
        "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">" +
        "<!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">" +
        "<!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">" +
        "<!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">" +
        "<!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">" +
        "<!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">" +
        "<!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">";

    /// <summary>DTDs: billion laughs, external entities (file, http, parameter), quadratic blow-up.</summary>
    public static readonly Gen<(string Dtd, string Reference)> Dtd = Gen.Elements<(string, string)>(
        ($"<!DOCTYPE d [{Laughs}]>", "&lol9;"),
        ("<!DOCTYPE d [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>", "&x;"),
        ("<!DOCTYPE d [<!ENTITY x SYSTEM \"http://127.0.0.1:9/evil.dtd\">]>", "&x;"),
        ("<!DOCTYPE d [<!ENTITY % p SYSTEM \"http://127.0.0.1:9/p.dtd\"> %p;]>", ""),
        ("<!DOCTYPE d SYSTEM \"http://127.0.0.1:9/external.dtd\">", ""),
        ("<!DOCTYPE d [<!ENTITY a \"" + new string('a', 50_000) + "\">]>", string.Concat(Enumerable.Repeat("&a;", 200))),
        ("<!DOCTYPE d [<!ELEMENT d ANY>]>", ""));

    /// <summary>A plausible document with a DTD put in front and its entity used in a field.</summary>
    public static Gen<string> WithDtd(Gen<string> documents) => documents.Zip(Dtd, (document, dtd) =>
    {
        var body = document.Replace("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", "", StringComparison.Ordinal);
        var at = body.IndexOf("</", StringComparison.Ordinal);
        body = at < 0 ? body : body[..at] + dtd.Reference + body[at..];
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>" + dtd.Dtd + body;
    });

    /// <summary>Elements nested deeper than any parser limit should allow, inside the document's real root.</summary>
    public static Gen<string> Deep(string open, string close) => Gen.Choose(65, 100_000).Select(depth =>
        open + string.Concat(Enumerable.Repeat("<a>", depth)) + "x" + string.Concat(Enumerable.Repeat("</a>", depth)) + close);

    /// <summary>Every kind of damage, as the bytes that arrive.</summary>
    public static Gen<byte[]> Hostile(Gen<string> documents, string open, string close) => Gen.Frequency(
        (8, documents.Select(Encoding.UTF8.GetBytes)),
        (2, WithDtd(documents).Select(Encoding.UTF8.GetBytes)),
        (1, Deep(open, close).Select(Encoding.UTF8.GetBytes)),
        (2, documents.SelectMany(text => Gen.Choose(0, text.Length).Select(cut => Encoding.UTF8.GetBytes(text[..cut])))),
        (2, documents.Zip(Fuzz.Bytes, (text, junk) =>
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            var at = bytes.Length / 2;
            return (byte[])[.. bytes[..at], .. junk, .. bytes[at..]];
        })),
        (1, documents.Select(text => Encoding.UTF8.GetBytes(text.Replace("UTF-8", "UTF-16", StringComparison.Ordinal)))),
        (1, documents.Select(text => Encoding.UTF8.GetBytes(text.Replace("UTF-8", "x-bogus-9", StringComparison.Ordinal)))),
        (1, documents.Select(text => Encoding.Latin1.GetBytes(text.Replace("UTF-8", "ISO-8859-1", StringComparison.Ordinal)))),
        (1, documents.Select(text => (byte[])[.. Encoding.UTF8.GetBytes(text), .. Encoding.UTF8.GetBytes(text)])),
        (1, Gen.Choose(10_000, 100_000).Select(rows => Encoding.UTF8.GetBytes(
            open + string.Concat(Enumerable.Repeat("<b>y</b>", rows)) + close))),
        (1, Fuzz.Bytes));
}
