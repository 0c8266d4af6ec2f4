using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using BroadWorksSimulator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Flowthrough.Tests.Simulator;

public sealed partial class SimulatorPageAndApiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_default_seed_has_two_providers_three_groups_and_fifty_subscribers()
    {
        await using var host = await SimulatorHost.StartAsync();
        var store = host.Store;

        store.ServiceProviders.Select(sp => (sp.Id, sp.IsEnterprise)).Should().Equal(("sp-warszawa", false), ("ent-london", true));
        store.Groups.Select(g => (g.Id, g.ServiceProviderId, g.ProvisioningId)).Should().Equal(
            ("warszawa-mokotow", "sp-warszawa", "demo-untrusted"),
            ("warszawa-wola", "sp-warszawa", "demo-trusted"),
            ("london-city", "ent-london", "demo-untrusted"));
        var subscribers = store.All();
        subscribers.Should().HaveCount(50);
        subscribers.Should().ContainSingle(s => s.Number == null).Which.Extension.Should().NotBeNull();
        subscribers.Count(s => s.Email != null).Should().BeInRange(14, 20);
        subscribers.Select(s => s.Password).Should().OnlyHaveUniqueItems();
        subscribers.Should().Contain(s => s.FirstName == "Łukasz" && s.LastName == "Wójcik")
            .And.Contain(s => s.FirstName == "Zofia" && s.LastName == "Żak");
        // The first three are the ones printed at start-up: untrusted, trusted with an email, any.
        store.FindGroup(subscribers[0].GroupId)!.ProvisioningId.Should().Be("demo-untrusted");
        store.FindGroup(subscribers[1].GroupId)!.ProvisioningId.Should().Be("demo-trusted");
        subscribers[1].Email.Should().NotBeNull();
    }

    [Fact]
    public async Task Provisioning_urls_follow_the_configured_app_url()
    {
        await using var host = await SimulatorHost.StartAsync("http://flowthrough.test:5080/");
        var options = host.Services.GetRequiredService<IOptions<SimulatorOptions>>().Value;

        options.ProvisioningUrl("demo-trusted").Should().Be("http://flowthrough.test:5080/bridge/demo-trusted");
        var page = await host.Client.GetStringAsync("/", Ct);
        page.Should().Contain("http://flowthrough.test:5080/bridge/demo-untrusted").And.Contain("AS_CLI/Interface/Messaging");
    }

    [Fact]
    public async Task The_page_renders_and_html_encodes_subscriber_data()
    {
        await using var host = await SimulatorHost.StartAsync();
        using var added = await host.Client.PostAsJsonAsync("/api/subscribers", new
        {
            userId = "xss@warszawa.sp.example", password = "p\"><b>", firstName = "<script>alert(1)</script>",
            lastName = "O'Brien & Co", groupId = "warszawa-mokotow", number = "+48225559999",
        }, Ct);
        added.StatusCode.Should().Be(HttpStatusCode.Created);

        using var response = await host.Client.GetAsync("/", Ct);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/html");
        var html = await response.Content.ReadAsStringAsync(Ct);
        html.Should().Contain("&lt;script&gt;alert(1)&lt;/script&gt;").And.NotContain("<script>alert(1)</script>");
        html.Should().NotContain("p\"><b>").And.NotContain("O'Brien & Co");
        html.Should().Contain("Łukasz").And.Contain("Switch on for all").And.Contain("Call log");
    }

    [Fact]
    public async Task A_page_form_posts_with_its_antiforgery_token_and_redirects_back_with_a_message()
    {
        await using var host = await SimulatorHost.StartAsync();
        using var handler = new HttpClientHandler { AllowAutoRedirect = false };
        using var browser = new HttpClient(handler) { BaseAddress = host.Client.BaseAddress };
        var page = await browser.GetStringAsync("/", Ct);
        var token = AntiforgeryField().Match(page);
        token.Success.Should().BeTrue();

        using var withToken = await browser.PostAsync("/ui/faults", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            [token.Groups["name"].Value] = token.Groups["value"].Value,
            ["xsiLatencyMs"] = "5", ["bridgeFail503Next"] = "2", ["bridgeDropNext"] = "0", ["bridgeLatencyMs"] = "0",
        }), Ct);
        using var withoutToken = await browser.PostAsync("/ui/faults", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["xsiLatencyMs"] = "7",
        }), Ct);

        withToken.StatusCode.Should().Be(HttpStatusCode.Redirect);
        withToken.Headers.Location!.ToString().Should().StartWith("/?message=");
        withoutToken.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var faults = await host.Client.GetFromJsonAsync<JsonElement>("/api/faults", Ct);
        faults.GetProperty("xsiLatencyMs").GetInt32().Should().Be(5);
        faults.GetProperty("bridgeFail503Next").GetInt32().Should().Be(2);
        (await browser.GetStringAsync(withToken.Headers.Location, Ct)).Should().Contain("Faults saved.");
    }

    [Fact]
    public async Task The_json_api_answers_clear_errors()
    {
        await using var host = await SimulatorHost.StartAsync();

        using var unknown = await host.Client.PostAsJsonAsync("/api/subscribers/nobody@x.example/imp", new { active = true }, Ct);
        using var noActive = await host.Client.PostAsJsonAsync("/api/subscribers/lukasz.wojcik@warszawa.sp.example/imp", new { }, Ct);
        using var badJson = await host.Client.PutAsync("/api/faults", new StringContent("{bad", null, "application/json"), Ct);
        using var negative = await host.Client.PutAsJsonAsync("/api/faults", new { bridgeDropNext = -1 }, Ct);
        using var duplicate = await host.Client.PostAsJsonAsync("/api/subscribers", new
        {
            userId = "lukasz.wojcik@warszawa.sp.example", password = "x", firstName = "A", lastName = "B",
            groupId = "warszawa-wola", extension = "12",
        }, Ct);
        using var noNumber = await host.Client.PutAsJsonAsync("/api/subscribers/lukasz.wojcik@warszawa.sp.example",
            new { number = "", extension = "" }, Ct);

        unknown.StatusCode.Should().Be(HttpStatusCode.NotFound);
        noActive.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        badJson.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        negative.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        duplicate.StatusCode.Should().Be(HttpStatusCode.Conflict);
        noNumber.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await noNumber.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("detail").GetString().Should().Contain("number or an extension");
        (await badJson.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("detail").GetString().Should().NotBeNullOrEmpty();
    }

    [Fact]
    public async Task A_bad_option_stops_the_start()
    {
        var start = async () => await SimulatorHost.StartAsync("not a url");

        (await start.Should().ThrowAsync<OptionsValidationException>()).Which.Message.Should().Contain("AppUrl");
    }

    [GeneratedRegex("<input type=\"hidden\" name=\"(?<name>[^\"]+)\" value=\"(?<value>[^\"]+)\">")]
    private static partial Regex AntiforgeryField();
}
