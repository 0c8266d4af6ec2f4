using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace Flowthrough.Tests.Operations;

/// <summary>Health for anyone, details and metrics only for the allowed; security headers on every answer.</summary>
public sealed class OperationsEndpointsTests
{
    private const string Token = "ops-token-for-tests-0123456789";

    /// <summary>TEST-NET-1: no caller here has that address, so only the token admits.</summary>
    private static readonly Dictionary<string, string?> TokenOnly = new()
    {
        ["Operations:AllowedNetworks"] = "192.0.2.0/24",
        ["Operations:Token"] = Token,
    };

    [Fact]
    public async Task Live_and_ready_answer_anyone_with_the_status_word_only()
    {
        await using var app = await FlowthroughApplication.CreateAsync(TokenOnly);
        var anonymous = app.CreateClient((string?)null);
        var token = TestContext.Current.CancellationToken;

        (await anonymous.GetStringAsync("/healthz/live", token)).Should().Be("Healthy");
        (await anonymous.GetStringAsync("/healthz/ready", token)).Should().Be("Healthy");
        (await anonymous.GetStringAsync("/healthz", token)).Should().Be("Healthy");
    }

    [Fact]
    public async Task Ready_details_and_metrics_need_the_token()
    {
        await using var app = await FlowthroughApplication.CreateAsync(TokenOnly);
        var partner = await app.CreatePartnerAsync();
        var token = TestContext.Current.CancellationToken;
        var anonymous = app.CreateClient((string?)null);
        (await anonymous.GetAsync("/metrics", token)).StatusCode.Should().Be(HttpStatusCode.NotFound);
        var wrong = app.CreateClient("not-the-token");
        (await wrong.GetAsync("/metrics", token)).StatusCode.Should().Be(HttpStatusCode.NotFound);

        using var intake = await partner.Client().PostAsync("/v1/broadworks/subscribers", JsonContent(partner), token);
        intake.IsSuccessStatusCode.Should().BeTrue(await intake.Content.ReadAsStringAsync(token));
        var operator_ = app.CreateClient(Token);
        var details = JsonNode.Parse(await operator_.GetStringAsync("/healthz/ready", token))!;
        details["status"]!.GetValue<string>().Should().Be("Healthy");
        details["checks"]!.AsObject().Select(c => c.Key).Should().BeEquivalentTo("database", "target-breakers", "relay-backlog");

        var metrics = await operator_.GetStringAsync("/metrics", token);
        metrics.Should().MatchRegex("""flowthrough_subscribers\{[^}]*status="pending_email_input"[^}]*\} 1""");
        metrics.Should().Contain("flowthrough_outbox_depth");
        metrics.Should().Contain("http_server_request_duration_seconds");
    }

    [Fact]
    public async Task Pages_carry_a_strict_content_security_policy_with_a_nonce()
    {
        await using var app = await FlowthroughApplication.CreateAsync();
        using var response = await app.CreateClient((string?)null).GetAsync("/partner/signin", TestContext.Current.CancellationToken);
        var policy = response.Headers.GetValues("Content-Security-Policy").Single();
        policy.Should().MatchRegex("script-src 'self' 'nonce-[^']+'").And.Contain("object-src 'none'")
            .And.Contain("frame-ancestors 'none'").And.NotContain("unsafe-inline");
        response.Headers.GetValues("X-Content-Type-Options").Should().Equal("nosniff");
        response.Headers.GetValues("Referrer-Policy").Should().Equal("strict-origin-when-cross-origin");
    }

    [Fact]
    public async Task Forwarded_for_counts_only_from_a_trusted_proxy()
    {
        // The app listens on loopback; the caller claims 203.0.113.7, the one address allowed to read /metrics.
        var settings = new Dictionary<string, string?> { ["Operations:AllowedNetworks"] = "203.0.113.7" };
        await using (var untrusted = (await FlowthroughApplication.CreateAsync(settings)).StartKestrel())
        {
            (await MetricsViaProxyAsync(untrusted.ServerUrl)).Should().Be(HttpStatusCode.NotFound,
                "a forwarded address is ignored unless the proxy is trusted");
        }

        settings["ForwardedHeaders:TrustedProxies"] = "127.0.0.1;::1";
        await using var trusted = (await FlowthroughApplication.CreateAsync(settings)).StartKestrel();
        (await MetricsViaProxyAsync(trusted.ServerUrl)).Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Misconfigured_trusted_proxies_stop_the_start_with_the_setting_named()
    {
        await using var app = await FlowthroughApplication.CreateAsync(
            new Dictionary<string, string?> { ["ForwardedHeaders:TrustedProxies"] = "proxy.example" });
        var start = () => app.Services;
        start.Should().Throw<InvalidOperationException>().WithMessage("*ForwardedHeaders:TrustedProxies*proxy.example*");
    }

    private static async Task<HttpStatusCode> MetricsViaProxyAsync(string baseUrl)
    {
        using var client = new HttpClient { BaseAddress = new Uri(baseUrl) };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Add("X-Forwarded-For", "203.0.113.7");
        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        return response.StatusCode;
    }

    private static StringContent JsonContent(TestPartner partner) => new($$"""
        {"provisioningId":"{{partner.Template.ProvisioningId}}","userId":"ops@sp.example","spEnterpriseId":"sp1+group1",
         "firstName":"Ola","lastName":"Ops","package":"standard","primaryPhoneNumber":"+48 22 555 0102"}
        """, new MediaTypeHeaderValue("application/json"));
}
