using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;

namespace Flowthrough.Tests.BroadWorks.Ocip;

/// <summary>
/// Test double of an AS's OCI-P command handling, answering with the fixture documents. Enforces the login per
/// connection (commands before a login are refused) and checks the signed password against its nonce.
/// Transport fronts (<see cref="FakeOcipTcpServer"/>, <see cref="FakeOcipSoapServer"/>) feed it documents.
/// </summary>
internal sealed class FakeOcipAs
{
    public const string UserId = "ocip-admin@example.com";
    public const string Nonce = "1493647455426"; // the nonce of AuthenticationResponse.xml
    private static readonly XNamespace C = "C";
    private static readonly XNamespace Xsi = "http://www.w3.org/2001/XMLSchema-instance";

    public string Password { get; set; } = "secret";

    /// <summary>False plays an AS that refuses LoginRequest22V5 with a password (the client must sign instead).</summary>
    public bool AcceptsPlainLogin { get; set; } = true;

    /// <summary>Every command type received, in order.</summary>
    public ConcurrentQueue<string> Received { get; } = new();

    public int Logins => logins;

    /// <summary>Optional override: the answer to one request command, or null for the default fixture answer.</summary>
    public Func<XElement, XElement?>? Answer { get; set; }

    private int logins;

    public sealed class Connection
    {
        public bool LoggedIn { get; set; }
    }

    public XDocument Respond(XDocument request, Connection connection)
    {
        var root = request.Root!;
        var answers = root.Elements("command").Select(command =>
        {
            var type = (string)command.Attribute(Xsi + "type")!;
            Received.Enqueue(type);
            return Answer?.Invoke(command) ?? Default(type, command, connection);
        }).ToList();
        return new XDocument(new XElement(C + "BroadsoftDocument",
            new XAttribute("protocol", "OCI"),
            new XAttribute(XNamespace.Xmlns + "xsi", Xsi.NamespaceName),
            new XElement("sessionId", root.Element("sessionId")?.Value),
            answers));
    }

    private XElement Default(string type, XElement command, Connection connection)
    {
        switch (type)
        {
            case "AuthenticationRequest":
                return OcipFixtures.Command("AuthenticationResponse.xml");
            case "LoginRequest14sp4":
                return LogIn(connection, (string?)command.Element("signedPassword") == Sign(Nonce, Password), "LoginResponse14sp4.xml");
            case "LoginRequest22V5":
                return AcceptsPlainLogin
                    ? LogIn(connection, (string?)command.Element("password") == Password, "LoginResponse22V5.xml")
                    : Error("[Error 4910] Login with a clear password is not allowed for this user");
        }

        if (!connection.LoggedIn)
        {
            return Error("[Error 4003] Not authenticated: send a login request first");
        }

        return type switch
        {
            "LogoutRequest" => OcipFixtures.Command("SuccessResponse.xml"),
            "UserGetListInGroupPagedSortedListRequest" => Page(command),
            "UserGetListInGroupRequest" => OcipFixtures.Command("UserGetListInGroupResponse-reordered.xml"),
            _ when File.Exists(OcipFixtures.Path(type.Replace("Request", "Response", StringComparison.Ordinal) + ".xml")) =>
                OcipFixtures.Command(type.Replace("Request", "Response", StringComparison.Ordinal) + ".xml"),
            _ => Error($"[Error 4001] Unknown command {type}"),
        };
    }

    private XElement LogIn(Connection connection, bool passwordMatches, string fixture)
    {
        if (!passwordMatches)
        {
            return OcipFixtures.Command("ErrorResponse-wrong-password.xml");
        }

        connection.LoggedIn = true;
        Interlocked.Increment(ref logins);
        return OcipFixtures.Command(fixture);
    }

    /// <summary>The fixture's rows sliced by responsePagingControl, as the AS pages.</summary>
    private static XElement Page(XElement command)
    {
        var paging = command.Element("responsePagingControl")!;
        var start = int.Parse(paging.Element("responseStartIndex")!.Value, CultureInfo.InvariantCulture);
        var size = int.Parse(paging.Element("responsePageSize")!.Value, CultureInfo.InvariantCulture);
        var answer = OcipFixtures.Command("UserGetListInGroupPagedSortedListResponse.xml");
        var table = answer.Element("userTable")!;
        var rows = table.Elements("row").ToList();
        rows.ForEach(r => r.Remove());
        table.Add(rows.Skip(start - 1).Take(size));
        return answer;
    }

    public static XElement Error(string summary) =>
        new("command",
            new XAttribute("type", "Error"),
            new XAttribute("echo", ""),
            new XAttribute(Xsi + "type", "c:ErrorResponse"),
            new XAttribute(XNamespace.Xmlns + "c", "C"),
            new XElement("summary", summary),
            new XElement("summaryEnglish", summary));

    /// <summary>The AS side of the signature, written independently of the client's code.</summary>
    public static string Sign(string nonce, string password)
    {
#pragma warning disable CA5350, CA5351
        var sha1 = string.Concat(SHA1.HashData(Encoding.UTF8.GetBytes(password)).Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
        return string.Concat(MD5.HashData(Encoding.UTF8.GetBytes(nonce + ":" + sha1)).Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
#pragma warning restore CA5350, CA5351
    }
}
