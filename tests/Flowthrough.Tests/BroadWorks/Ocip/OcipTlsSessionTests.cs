using Flowthrough.BroadWorks.Ocip;

namespace Flowthrough.Tests.BroadWorks.Ocip;

/// <summary>OCI-P over TLS and SOAP (http and https) against fake ASes with a self-signed certificate.</summary>
public sealed class OcipTlsSessionTests : IDisposable
{
    private static readonly System.Security.Cryptography.X509Certificates.X509Certificate2 Certificate = TestCertificates.SelfSigned();
    private readonly RecordingLoggerProvider logs = new();

    public void Dispose() => logs.Dispose();

    [Fact]
    public async Task TLS_with_the_pinned_self_signed_certificate_logs_in_with_the_plain_password()
    {
        await using var server = new FakeOcipTcpServer(Certificate);
        await using var session = OcipTestSessions.Create(
            OcipTestSessions.Endpoint(server.Port, OcipTransport.Tls, TestCertificates.Fingerprint(Certificate)), logs);

        var providers = await session.GetServiceProvidersAsync(TestContext.Current.CancellationToken);

        providers.Should().HaveCount(3);
        server.As.Received.Should().Equal("LoginRequest22V5", "ServiceProviderGetListRequest");
        logs.ShouldHoldNoSecrets("secret");
    }

    [Fact]
    public async Task TLS_falls_back_to_the_signed_login_when_the_AS_refuses_the_plain_one()
    {
        await using var server = new FakeOcipTcpServer(Certificate);
        server.As.AcceptsPlainLogin = false;
        await using var session = OcipTestSessions.Create(
            OcipTestSessions.Endpoint(server.Port, OcipTransport.Tls, TestCertificates.Fingerprint(Certificate)), logs);

        await session.GetServiceProvidersAsync(TestContext.Current.CancellationToken);

        server.As.Received.Should().Equal("LoginRequest22V5", "AuthenticationRequest", "LoginRequest14sp4", "ServiceProviderGetListRequest");
    }

    [Fact]
    public async Task TLS_with_a_wrong_password_is_a_login_failure()
    {
        await using var server = new FakeOcipTcpServer(Certificate);
        await using var session = OcipTestSessions.Create(
            OcipTestSessions.Endpoint(server.Port, OcipTransport.Tls, TestCertificates.Fingerprint(Certificate), password: "nope-123"), logs);

        var act = () => session.GetServiceProvidersAsync(TestContext.Current.CancellationToken);

        (await act.Should().ThrowAsync<OcipLoginException>()).Which.Message.Should().NotContain("nope-123");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff")]
    public async Task TLS_without_the_right_pin_refuses_the_self_signed_certificate(string? pin)
    {
        await using var server = new FakeOcipTcpServer(Certificate);
        await using var session = OcipTestSessions.Create(OcipTestSessions.Endpoint(server.Port, OcipTransport.Tls, pin), logs);

        var act = () => session.GetServiceProvidersAsync(TestContext.Current.CancellationToken);

        var message = (await act.Should().ThrowAsync<OcipUnavailableException>()).Which.Message;
        message.Should().Contain("TLS handshake with tls://localhost:").And.Contain("not trusted")
            .And.Contain(TestCertificates.Fingerprint(Certificate).ToUpperInvariant(), "the operator needs the fingerprint to pin it");
        server.As.Received.Should().BeEmpty();
    }

    [Fact]
    public async Task SOAP_logs_in_signed_and_keeps_the_HTTP_session()
    {
        await using var server = await FakeOcipSoapServer.StartAsync();
        await using var session = OcipTestSessions.Create(OcipTestSessions.Endpoint(server.Port, OcipTransport.Soap), logs);
        var ct = TestContext.Current.CancellationToken;

        await session.GetServiceProvidersAsync(ct);
        var user = await session.GetUserAsync("alice@example.com", ct);

        user.FirstName.Should().Be("Alice");
        server.As.Received.Should().Equal("AuthenticationRequest", "LoginRequest14sp4", "ServiceProviderGetListRequest", "UserGetRequest22");
        server.As.Logins.Should().Be(1, "the fake refuses commands outside the logged-in cookie session");
        server.LastSoapAction.Should().Be("\"\"");
        server.LastEnvelope!.Root!.Descendants().Should().Contain(e => e.Name == OcipSoapTransport.Service + "processOCIMessage");
        logs.ShouldHoldNoSecrets("secret");
    }

    [Fact]
    public async Task SOAP_over_https_with_the_pinned_certificate()
    {
        await using var server = await FakeOcipSoapServer.StartAsync(Certificate);
        await using var session = OcipTestSessions.Create(
            OcipTestSessions.Endpoint(server.Port, OcipTransport.SoapTls, TestCertificates.Fingerprint(Certificate)), logs);

        var groups = await session.GetGroupsAsync("acme-sp", TestContext.Current.CancellationToken);

        groups.Should().HaveCount(2);
        server.As.Received.Should().Equal("LoginRequest22V5", "GroupGetListInServiceProviderRequest");
    }

    [Fact]
    public async Task SOAP_over_https_without_a_pin_refuses_the_self_signed_certificate()
    {
        await using var server = await FakeOcipSoapServer.StartAsync(Certificate);
        await using var session = OcipTestSessions.Create(OcipTestSessions.Endpoint(server.Port, OcipTransport.SoapTls), logs);

        var act = () => session.GetGroupsAsync("acme-sp", TestContext.Current.CancellationToken);

        (await act.Should().ThrowAsync<OcipUnavailableException>()).Which.Message.Should().Contain("not trusted");
    }

    [Fact]
    public async Task A_SOAP_HTTP_error_is_unavailable_with_the_fault()
    {
        await using var server = await FakeOcipSoapServer.StartAsync();
        server.FailWith = System.Net.HttpStatusCode.ServiceUnavailable;
        await using var session = OcipTestSessions.Create(OcipTestSessions.Endpoint(server.Port, OcipTransport.Soap), logs);

        var act = () => session.GetServiceProvidersAsync(TestContext.Current.CancellationToken);

        (await act.Should().ThrowAsync<OcipUnavailableException>()).Which.Message
            .Should().Contain("HTTP 503").And.Contain("Service temporarily unavailable");
    }
}
