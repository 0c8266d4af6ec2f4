using System.Net.Http.Json;
using System.Security;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;

namespace Flowthrough.Tests.Simulator;

/// <summary>The same OCI-P over SOAP (HTTP) and over TLS, and where the simulator says it listens.</summary>
public sealed class OcipTransportTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_soap_session_logs_in_and_reads_a_user_by_its_session_id()
    {
        await using var host = await SimulatorHost.StartAsync();
        var session = "soap-" + Guid.NewGuid().ToString("N");
        var user = host.Store.All()[0];

        var challenge = OcipWire.Single(await SoapAsync(host, OcipWire.Fixture("authentication-request.php.xml", session)));
        var login = OcipWire.Single(await SoapAsync(host, OcipWire.Fixture("login-request-14sp4.php.xml", session,
            ("SIGNED_PASSWORD", OcipWire.SignedPassword(OcipWire.Text(challenge, "nonce")!, OcipWire.AdminPassword)))));
        var profileDocument = await SoapAsync(host, OcipWire.Fixture("user-get-request-22.php.xml", session, ("USER", user.UserId)));
        var otherSession = OcipWire.Single(await SoapAsync(host, OcipWire.Fixture("user-get-request-22.php.xml", "another",
            ("USER", user.UserId))));

        OcipWire.Type(login).Should().Be("LoginResponse14sp4");
        OcipWire.SessionId(profileDocument).Should().Be(session);
        OcipWire.Text(OcipWire.Single(profileDocument), "userId").Should().Be(user.UserId);
        OcipWire.Type(otherSession).Should().Be("ErrorResponse");
    }

    [Fact]
    public async Task A_plain_password_login_is_refused_on_plain_tcp_and_soap_and_accepted_over_tls()
    {
        await using var host = await SimulatorHost.StartAsync(settings: "--Simulator:OcipTlsPort=0");
        var info = await host.Client.GetFromJsonAsync<JsonElement>("/api/ocip", Ct);
        var fingerprint = info.GetProperty("tlsFingerprintSha256").GetString()!;
        await using var plain = await OcipConnection.OpenAsync(host.Ocip.TcpPort);
        await using var tls = await OcipConnection.OpenTlsAsync(info.GetProperty("tlsPort").GetInt32(), fingerprint);

        var onPlain = OcipWire.Single(await plain.ExchangeAsync("login-request-22v5.csharp-xmlserializer.xml",
            ("PASSWORD", OcipWire.AdminPassword)));
        var onSoap = OcipWire.Single(await SoapAsync(host, OcipWire.Fixture("login-request-22v5.csharp-xmlserializer.xml", "s",
            ("PASSWORD", OcipWire.AdminPassword))));
        var onTls = OcipWire.Single(await tls.ExchangeAsync("login-request-22v5.csharp-xmlserializer.xml",
            ("PASSWORD", OcipWire.AdminPassword)));
        var afterwards = OcipWire.Single(await tls.ExchangeAsync("service-provider-get-list.php.xml"));

        OcipWire.Type(onPlain).Should().Be("ErrorResponse");
        OcipWire.Type(onSoap).Should().Be("ErrorResponse");
        OcipWire.Type(onTls).Should().Be("LoginResponse22V5");
        OcipWire.Text(onTls, "userDomain").Should().NotBeNullOrEmpty();
        OcipWire.Type(afterwards).Should().Be("ServiceProviderGetListResponse");
        fingerprint.Should().MatchRegex("^([0-9A-F]{2}:){31}[0-9A-F]{2}$");
        host.Ocip.TlsFingerprint.Should().Be(fingerprint);
    }

    [Fact]
    public async Task A_configured_pfx_is_the_tls_certificate()
    {
        using var key = System.Security.Cryptography.RSA.Create(2048);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=ocip.test", key,
            System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var path = Path.Combine(Path.GetTempPath(), $"ocip-{Guid.NewGuid():N}.pfx");
        await File.WriteAllBytesAsync(path, certificate.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pkcs12, "pfx-pass"), Ct);
        try
        {
            await using var host = await SimulatorHost.StartAsync(settings: ["--Simulator:OcipTlsPort=0",
                $"--Simulator:OcipCertificate={path}", "--Simulator:OcipCertificatePassword=pfx-pass"]);
            var expected = Convert.ToHexString(certificate.GetCertHash(System.Security.Cryptography.HashAlgorithmName.SHA256));

            await using var tls = await OcipConnection.OpenTlsAsync(host.Ocip.TlsPort!.Value, host.Ocip.TlsFingerprint!);
            var challenge = OcipWire.Single(await tls.ExchangeAsync("authentication-request.php.xml"));

            host.Ocip.TlsFingerprint!.Replace(":", string.Empty, StringComparison.Ordinal).Should().Be(expected);
            OcipWire.Type(challenge).Should().Be("AuthenticationResponse");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task The_api_and_the_page_say_where_oci_p_listens()
    {
        await using var host = await SimulatorHost.StartAsync();

        var info = await host.Client.GetFromJsonAsync<JsonElement>("/api/ocip", Ct);
        var page = await host.Client.GetStringAsync("/", Ct);

        info.GetProperty("tcpPort").GetInt32().Should().Be(host.Ocip.TcpPort).And.BePositive();
        info.TryGetProperty("tlsPort", out _).Should().BeFalse("TLS is off and the API leaves out what has no value");
        info.GetProperty("adminUser").GetString().Should().Be(OcipWire.Admin);
        info.GetProperty("soap").GetString().Should().EndWith("/webservice/services/ProvisioningService");
        page.Should().Contain($"tcp://127.0.0.1:{host.Ocip.TcpPort}").And.Contain("/webservice/services/ProvisioningService")
            .And.Contain(OcipWire.Admin).And.Contain("name=\"ocipErrorGroup\"").And.Contain("name=\"ocipRejectLogin\"");
    }

    [Fact]
    public async Task A_soap_request_without_an_oci_message_gets_a_soap_fault()
    {
        await using var host = await SimulatorHost.StartAsync();
        using var content = new StringContent("<Envelope><Body><nothing/></Body></Envelope>", Encoding.UTF8, "text/xml");

        using var response = await host.Client.PostAsync("/webservice/services/ProvisioningService", content, Ct);

        ((int)response.StatusCode).Should().Be(500);
        (await response.Content.ReadAsStringAsync(Ct)).Should().Contain("Fault");
    }

    /// <summary>A SOAP 1.1 processOCIMessage call with the document escaped in arg0, as the public clients post it.</summary>
    internal static async Task<XDocument> SoapAsync(SimulatorHost host, string document)
    {
        var envelope = $"""
            <?xml version="1.0" encoding="UTF-8"?>
            <soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:urn="urn:com:broadsoft:webservice"><soapenv:Header/><soapenv:Body><urn:processOCIMessage><urn:arg0>{SecurityElement.Escape(document)}</urn:arg0></urn:processOCIMessage></soapenv:Body></soapenv:Envelope>
            """;
        using var content = new StringContent(envelope, Encoding.UTF8, "text/xml");
        content.Headers.Add("SOAPAction", "\"\"");
        using var response = await host.Client.PostAsync("/webservice/services/ProvisioningService", content, Ct);
        response.EnsureSuccessStatusCode();
        var soap = XDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        var answer = soap.Descendants().Single(e => e.Name.LocalName == "processOCIMessageReturn").Value;
        soap.Descendants().Should().Contain(e => e.Name.LocalName == "processOCIMessageResponse");
        return XDocument.Parse(answer);
    }
}
