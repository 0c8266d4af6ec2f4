using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Flowthrough.Tests.Simulator;

/// <summary>
/// The test's own OCI-P client side, written apart from the simulator: fixtures as public clients send them, raw bytes on a
/// socket, and the answer read up to its closing tag.
/// </summary>
internal static partial class OcipWire
{
    public const string Admin = "ocip-admin";
    public const string AdminPassword = "Demo-Ocip-2026!";

    public static readonly XNamespace Xsi = "http://www.w3.org/2001/XMLSchema-instance";

    private static readonly string FixtureFolder = Path.Combine(AppContext.BaseDirectory, "Simulator", "OcipFixtures", "requests");

    /// <summary>A fixture with its {{PLACEHOLDERS}} filled in; ADMIN and SESSION have defaults.</summary>
    public static string Fixture(string name, string session, params (string Key, string Value)[] values)
    {
        var text = File.ReadAllText(Path.Combine(FixtureFolder, name)).Replace("{{ADMIN}}", Admin, StringComparison.Ordinal)
            .Replace("{{SESSION}}", session, StringComparison.Ordinal);
        foreach (var (key, value) in values)
        {
            text = text.Replace("{{" + key + "}}", value, StringComparison.Ordinal);
        }

        return text.TrimEnd();
    }

    /// <summary>The bytes a client puts on the wire: in the encoding its declaration names.</summary>
    public static byte[] Encode(string document) =>
        document.Contains("ISO-8859-1", StringComparison.OrdinalIgnoreCase) ? Encoding.Latin1.GetBytes(document) : Encoding.UTF8.GetBytes(document);

    /// <summary>lowercase hex md5(nonce + ":" + lowercase hex sha1(password)), computed here as a client does.</summary>
    public static string SignedPassword(string nonce, string password)
    {
#pragma warning disable CA5350, CA5351 // OCI-P's signed login is defined with SHA-1 and MD5.
        var sha1 = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(password)));
        return Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(nonce + ":" + sha1)));
#pragma warning restore CA5350, CA5351
    }

    public static IReadOnlyList<XElement> Commands(XDocument answer) =>
        [.. answer.Root!.Elements().Where(e => e.Name.LocalName == "command")];

    public static XElement Single(XDocument answer) => Commands(answer).Should().ContainSingle().Subject;

    /// <summary>The xsi:type without a prefix: an AS writes errors as c:ErrorResponse.</summary>
    public static string Type(XElement command)
    {
        var type = command.Attribute(Xsi + "type")!.Value;
        return type[(type.IndexOf(':', StringComparison.Ordinal) + 1)..];
    }

    public static string? Text(XElement command, string name) => command.Element(name)?.Value;

    /// <summary>A table as rows of heading → value, so that tests find columns by heading and never by position.</summary>
    public static IReadOnlyList<Dictionary<string, string>> Table(XElement command, string tableName)
    {
        var table = command.Element(tableName)!;
        var headings = table.Elements("colHeading").Select(h => h.Value).ToList();
        return [.. table.Elements("row").Select(row => row.Elements("col").Select((c, i) => (headings[i], c.Value))
            .ToDictionary(pair => pair.Item1, pair => pair.Value))];
    }

    public static string SessionId(XDocument answer) => answer.Root!.Elements().Single(e => e.Name.LocalName == "sessionId").Value;

    [GeneratedRegex(@"</(?:\w+:)?BroadsoftDocument\s*>")]
    public static partial Regex DocumentEnd();
}

/// <summary>One raw TCP (or TLS) connection to the simulator's OCI-P port.</summary>
internal sealed class OcipConnection : IAsyncDisposable
{
    private readonly TcpClient client;
    private readonly Stream stream;
    private readonly List<byte> pending = [];

    private OcipConnection(TcpClient client, Stream stream)
    {
        this.client = client;
        this.stream = stream;
    }

    public string Session { get; } = "test-" + Guid.NewGuid().ToString("N");

    public static async Task<OcipConnection> OpenAsync(int port)
    {
        var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port, TestContext.Current.CancellationToken);
        return new OcipConnection(client, client.GetStream());
    }

    /// <summary>TLS that trusts exactly the certificate whose SHA-256 the simulator prints.</summary>
    public static async Task<OcipConnection> OpenTlsAsync(int port, string fingerprint)
    {
        var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port, TestContext.Current.CancellationToken);
        var expected = fingerprint.Replace(":", string.Empty, StringComparison.Ordinal);
        var tls = new SslStream(client.GetStream(), false, (_, certificate, _, _) =>
            certificate is not null && string.Equals(Convert.ToHexString(certificate.GetCertHash(HashAlgorithmName.SHA256)), expected,
                StringComparison.OrdinalIgnoreCase));
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost" },
            TestContext.Current.CancellationToken);
        return new OcipConnection(client, tls);
    }

    public async Task SendAsync(byte[] bytes)
    {
        await stream.WriteAsync(bytes, TestContext.Current.CancellationToken);
        await stream.FlushAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>The next answer document, or null when the simulator closed the connection instead.</summary>
    public async Task<XDocument?> ReceiveAsync()
    {
        var buffer = new byte[8192];
        // A simulator that never answers fails the test instead of hanging the run.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(20));
        while (true)
        {
            var text = Encoding.UTF8.GetString([.. pending]);
            if (OcipWire.DocumentEnd().Match(text) is { Success: true } end)
            {
                var document = text[..(end.Index + end.Length)];
                pending.RemoveRange(0, Encoding.UTF8.GetByteCount(document));
                return XDocument.Parse(document);
            }

            int read;
            try
            {
                read = await stream.ReadAsync(buffer, timeout.Token);
            }
            catch (IOException)
            {
                return null;
            }

            if (read == 0)
            {
                return null;
            }

            pending.AddRange(buffer[..read]);
        }
    }

    /// <summary>Sends a whole document as given (not a fixture name) and reads the answer.</summary>
    public async Task<XDocument> ExchangeDocumentAsync(string document)
    {
        await SendAsync(OcipWire.Encode(document));
        return (await ReceiveAsync())!;
    }

    public Task<XDocument> ExchangeAsync(string fixture, params (string Key, string Value)[] values) =>
        ExchangeDocumentAsync(OcipWire.Fixture(fixture, Session, values));

    /// <summary>The two-stage signed login with the given client's fixtures; the answer of the second stage.</summary>
    public async Task<XElement> LoginAsync(string style = "php", string password = OcipWire.AdminPassword)
    {
        var challenge = OcipWire.Single(await ExchangeAsync($"authentication-request.{style}.xml"));
        var nonce = OcipWire.Text(challenge, "nonce")!;
        return OcipWire.Single(await ExchangeAsync($"login-request-14sp4.{style}.xml",
            ("SIGNED_PASSWORD", OcipWire.SignedPassword(nonce, password))));
    }

    public async ValueTask DisposeAsync()
    {
        await stream.DisposeAsync();
        client.Dispose();
    }
}
