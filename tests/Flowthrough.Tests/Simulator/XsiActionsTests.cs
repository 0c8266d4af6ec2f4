using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Xml.Linq;

namespace Flowthrough.Tests.Simulator;

/// <summary>The XSP side: the profile read the product uses to check a BroadWorks password.</summary>
public sealed class XsiActionsTests
{
    private static readonly XNamespace Xsi = "http://schema.broadsoft.com/xsi";

    private static HttpRequestMessage ProfileRequest(string userId, string? user, string? password)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/com.broadsoft.xsi-actions/v2.0/user/{Uri.EscapeDataString(userId)}/profile");
        if (user is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        }

        return request;
    }

    private static async Task<HttpResponseMessage> GetProfileAsync(SimulatorHost host, string userId, string password)
    {
        using var request = ProfileRequest(userId, userId, password);
        return await host.Client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task A_valid_login_gets_the_profile()
    {
        await using var host = await SimulatorHost.StartAsync();
        var subscriber = host.Store.All()[0];

        using var response = await GetProfileAsync(host, subscriber.UserId, subscriber.Password);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.ToString().Should().Be("application/xml; charset=UTF-8");
        var xml = XDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        xml.Root!.Name.Should().Be(Xsi + "Profile");
        var details = xml.Root.Element(Xsi + "details")!;
        details.Element(Xsi + "userId")!.Value.Should().Be("lukasz.wojcik@warszawa.sp.example");
        details.Element(Xsi + "firstName")!.Value.Should().Be("Łukasz");
        details.Element(Xsi + "lastName")!.Value.Should().Be("Wójcik");
        details.Element(Xsi + "groupId")!.Value.Should().Be("warszawa-mokotow");
        var serviceProvider = details.Element(Xsi + "serviceProvider")!;
        serviceProvider.Value.Should().Be("sp-warszawa");
        serviceProvider.Attribute("isEnterprise")!.Value.Should().Be("false");
        details.Element(Xsi + "number")!.Value.Should().Be(subscriber.Number);
        details.Element(Xsi + "extension")!.Value.Should().Be(subscriber.Extension);
        xml.Root.Element(Xsi + "countryCode")!.Value.Should().Be("48");
        xml.Root.Element(Xsi + "timeZone")!.Value.Should().Be("Europe/Warsaw");
    }

    [Fact]
    public async Task An_enterprise_subscriber_with_email_shows_both()
    {
        await using var host = await SimulatorHost.StartAsync();
        var subscriber = host.Store.All().First(s => s.GroupId == "london-city" && s.Email is not null);

        using var response = await GetProfileAsync(host, subscriber.UserId, subscriber.Password);

        var xml = XDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var serviceProvider = xml.Root!.Element(Xsi + "details")!.Element(Xsi + "serviceProvider")!;
        serviceProvider.Value.Should().Be("ent-london");
        serviceProvider.Attribute("isEnterprise")!.Value.Should().Be("true");
        xml.Root.Element(Xsi + "additionalDetails")!.Element(Xsi + "emailAddress")!.Value.Should().Be(subscriber.Email);
    }

    [Fact]
    public async Task An_extension_only_subscriber_has_no_number_element()
    {
        await using var host = await SimulatorHost.StartAsync();
        var subscriber = host.Store.All().Single(s => s.Number is null);

        using var response = await GetProfileAsync(host, subscriber.UserId, subscriber.Password);

        var details = XDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))
            .Root!.Element(Xsi + "details")!;
        details.Element(Xsi + "number").Should().BeNull();
        details.Element(Xsi + "extension")!.Value.Should().Be(subscriber.Extension);
    }

    [Fact]
    public async Task Wrong_password_and_unknown_user_get_the_same_401_with_a_challenge()
    {
        await using var host = await SimulatorHost.StartAsync();
        var subscriber = host.Store.All()[0];

        using var wrongPassword = await GetProfileAsync(host, subscriber.UserId, "not-the-password");
        using var unknownUser = await GetProfileAsync(host, "nobody@warszawa.sp.example", subscriber.Password);
        using var noHeader = ProfileRequest(subscriber.UserId, null, null);
        using var anonymous = await host.Client.SendAsync(noHeader, TestContext.Current.CancellationToken);

        foreach (var response in new[] { wrongPassword, unknownUser, anonymous })
        {
            response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
            response.Headers.WwwAuthenticate.ToString().Should().Be("Basic realm=\"BroadWorks\"");
        }

        var body = await wrongPassword.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        (await unknownUser.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).Should().Be(body);
        var error = XDocument.Parse(body).Root!;
        error.Name.Should().Be(Xsi + "ErrorInfo");
        error.Element(Xsi + "summary")!.Value.Should().NotBeEmpty();
        error.Element(Xsi + "summaryEnglish")!.Value.Should().NotBeEmpty();
    }

    [Fact]
    public async Task The_no_auth_challenge_header_leaves_out_the_challenge()
    {
        await using var host = await SimulatorHost.StartAsync();
        using var request = ProfileRequest("lukasz.wojcik@warszawa.sp.example", "lukasz.wojcik@warszawa.sp.example", "wrong");
        request.Headers.Add("X-BroadWorks-No-AuthChallenge", "true");

        using var response = await host.Client.SendAsync(request, TestContext.Current.CancellationToken);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.Headers.WwwAuthenticate.Should().BeEmpty();
    }

    [Fact]
    public async Task The_call_log_records_xsi_requests_without_the_password()
    {
        await using var host = await SimulatorHost.StartAsync();
        var subscriber = host.Store.All()[0];
        using var _ = await GetProfileAsync(host, subscriber.UserId, subscriber.Password);

        var calls = await host.Client.GetFromJsonAsync<List<CallView>>("/api/calls", TestContext.Current.CancellationToken);
        var raw = await host.Client.GetStringAsync("/api/calls", TestContext.Current.CancellationToken);

        var call = calls!.Should().ContainSingle().Subject;
        call.Direction.Should().Be("xsi");
        call.Method.Should().Be("GET");
        call.Status.Should().Be(200);
        call.Authorization.Should().Be("Basic ***");
        raw.Should().NotContain(subscriber.Password);
    }

    [Fact]
    public async Task Latency_503_and_dropped_connection_faults_apply()
    {
        await using var host = await SimulatorHost.StartAsync();
        var subscriber = host.Store.All()[0];
        var ct = TestContext.Current.CancellationToken;

        (await host.Client.PutAsJsonAsync("/api/faults", new { xsiLatencyMs = 300 }, ct)).EnsureSuccessStatusCode();
        var watch = Stopwatch.StartNew();
        using (var slow = await GetProfileAsync(host, subscriber.UserId, subscriber.Password))
        {
            slow.StatusCode.Should().Be(HttpStatusCode.OK);
            watch.ElapsedMilliseconds.Should().BeGreaterThanOrEqualTo(300);
        }

        (await host.Client.PutAsJsonAsync("/api/faults", new { xsiLatencyMs = 0, xsiFail503 = true }, ct)).EnsureSuccessStatusCode();
        using (var unavailable = await GetProfileAsync(host, subscriber.UserId, subscriber.Password))
        {
            unavailable.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        }

        (await host.Client.PutAsJsonAsync("/api/faults", new { xsiFail503 = false, xsiDropConnection = true }, ct)).EnsureSuccessStatusCode();
        var dropped = async () => await GetProfileAsync(host, subscriber.UserId, subscriber.Password);
        await dropped.Should().ThrowAsync<HttpRequestException>();
    }

    private sealed record CallView(string Direction, string Method, string Url, string? Authorization, int? Status, int Attempt);
}
