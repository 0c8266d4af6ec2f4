using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Flowthrough.Tests.Simulator;

/// <summary>The AS side: flow-through calls to a bridge on a real socket, with the AS's retry rules.</summary>
public sealed class FlowThroughTests
{
    private const string Untrusted = "lukasz.wojcik@warszawa.sp.example";
    private const string Trusted = "zofia.zak@warszawa.sp.example";
    private static readonly string ExpectedBasic = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("bwprov:Demo-Prov-2026!"));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<JsonElement> SetImpAsync(SimulatorHost host, string userId, bool active)
    {
        using var response = await host.Client.PostAsJsonAsync($"/api/subscribers/{userId}/imp", new { active }, Ct);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }

    private static async Task<List<JsonElement>> BridgeCallsAsync(SimulatorHost host) =>
        [.. (await host.Client.GetFromJsonAsync<JsonElement>("/api/calls", Ct)).EnumerateArray()
            .Where(c => c.GetProperty("direction").GetString() == "bridge")];

    [Fact]
    public async Task Switching_imp_on_posts_the_subscribers_data_with_basic_auth()
    {
        await using var bridge = await BridgeReceiver.StartAsync();
        await using var host = await SimulatorHost.StartAsync(bridge.Url);

        var answer = await SetImpAsync(host, Trusted, active: true);

        answer.GetProperty("bridge").GetProperty("status").GetInt32().Should().Be(202);
        answer.GetProperty("bridge").GetProperty("body").GetString().Should().Contain(Trusted);
        answer.GetProperty("subscriber").GetProperty("impActive").GetBoolean().Should().BeTrue();
        var call = bridge.Calls.Should().ContainSingle().Subject;
        call.Method.Should().Be("POST");
        call.Path.Should().Be("/bridge/demo-trusted/users");
        call.Authorization.Should().Be(ExpectedBasic);
        var body = call.Json;
        body.GetProperty("userId").GetString().Should().Be(Trusted);
        body.GetProperty("serviceProviderId").GetString().Should().Be("sp-warszawa");
        body.GetProperty("groupId").GetString().Should().Be("warszawa-wola");
        body.GetProperty("firstName").GetString().Should().Be("Zofia");
        body.GetProperty("lastName").GetString().Should().Be("Żak");
        body.GetProperty("email").GetString().Should().Be("zofia.zak@poczta.example.pl");
        body.GetProperty("primaryPhoneNumber").GetString().Should().Be("+48225550102");
        body.GetProperty("mobilePhoneNumber").GetString().Should().Be("+48601000102");
        body.GetProperty("extension").GetString().Should().Be("102");
        body.GetProperty("language").GetString().Should().Be("Polish");
        body.GetProperty("timezone").GetString().Should().Be("Europe/Warsaw");
        body.GetProperty("isActive").GetBoolean().Should().BeTrue();
    }

    [Fact]
    public async Task Switching_imp_off_posts_is_active_false_and_leaves_out_missing_fields()
    {
        await using var bridge = await BridgeReceiver.StartAsync();
        await using var host = await SimulatorHost.StartAsync(bridge.Url);

        await SetImpAsync(host, Untrusted, active: false);

        var call = bridge.Calls.Should().ContainSingle().Subject;
        call.Path.Should().Be("/bridge/demo-untrusted/users");
        call.Json.GetProperty("isActive").GetBoolean().Should().BeFalse();
        call.Json.TryGetProperty("email", out _).Should().BeFalse();
        call.Json.TryGetProperty("mobilePhoneNumber", out _).Should().BeFalse();
    }

    [Fact]
    public async Task Deleting_a_subscriber_with_imp_on_sends_delete_and_without_it_sends_nothing()
    {
        await using var bridge = await BridgeReceiver.StartAsync();
        await using var host = await SimulatorHost.StartAsync(bridge.Url);
        await SetImpAsync(host, Untrusted, active: true);

        (await host.Client.DeleteAsync($"/api/subscribers/{Untrusted}", Ct)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await host.Client.DeleteAsync($"/api/subscribers/{Trusted}", Ct)).StatusCode.Should().Be(HttpStatusCode.OK);

        bridge.Calls.Should().HaveCount(2);
        var delete = bridge.Calls[1];
        delete.Method.Should().Be("DELETE");
        delete.Path.Should().Be($"/bridge/demo-untrusted/users/{Uri.EscapeDataString(Untrusted)}");
        delete.Authorization.Should().Be(ExpectedBasic);
        host.Store.Find(Untrusted).Should().BeNull();
        (await host.Client.DeleteAsync($"/api/subscribers/{Untrusted}", Ct)).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Editing_a_subscriber_with_imp_on_posts_the_new_data_but_a_password_change_does_not()
    {
        await using var bridge = await BridgeReceiver.StartAsync();
        await using var host = await SimulatorHost.StartAsync(bridge.Url);
        await SetImpAsync(host, Untrusted, active: true);

        using var edit = await host.Client.PutAsJsonAsync($"/api/subscribers/{Untrusted}",
            new { lastName = "Wójcik-Nowak", email = "lukasz@poczta.example.pl", mobile = "+48601999999" }, Ct);
        using var password = await host.Client.PutAsJsonAsync($"/api/subscribers/{Untrusted}", new { password = "New-Secret-1" }, Ct);

        edit.StatusCode.Should().Be(HttpStatusCode.OK);
        password.StatusCode.Should().Be(HttpStatusCode.OK);
        bridge.Calls.Should().HaveCount(2);
        var body = bridge.Calls[1].Json;
        body.GetProperty("isActive").GetBoolean().Should().BeTrue();
        body.GetProperty("firstName").GetString().Should().Be("Łukasz");
        body.GetProperty("lastName").GetString().Should().Be("Wójcik-Nowak");
        body.GetProperty("email").GetString().Should().Be("lukasz@poczta.example.pl");
        body.GetProperty("mobilePhoneNumber").GetString().Should().Be("+48601999999");
        host.Store.Find(Untrusted)!.Password.Should().Be("New-Secret-1");
    }

    [Fact]
    public async Task Switch_on_for_all_sends_one_batch_per_provisioning_url()
    {
        await using var bridge = await BridgeReceiver.StartAsync();
        await using var host = await SimulatorHost.StartAsync(bridge.Url);
        await SetImpAsync(host, Untrusted, active: true);

        using var response = await host.Client.PostAsync("/api/imp:all", null, Ct);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        answer.GetProperty("switchedOn").GetInt32().Should().Be(49);
        answer.GetProperty("alreadyOn").GetInt32().Should().Be(1);
        var batches = bridge.Calls.Skip(1).ToList();
        batches.Select(c => c.Path).Should().BeEquivalentTo("/bridge/demo-untrusted/users:batch", "/bridge/demo-trusted/users:batch");
        batches.Should().AllSatisfy(c => c.Authorization.Should().Be(ExpectedBasic));
        var items = batches.SelectMany(c => c.Json.GetProperty("items").EnumerateArray()).ToList();
        items.Should().HaveCount(49).And.AllSatisfy(i => i.GetProperty("isActive").GetBoolean().Should().BeTrue());
        items.Select(i => i.GetProperty("userId").GetString()).Should().NotContain(Untrusted);
        host.Store.All().Should().OnlyContain(s => s.ImpActive);
    }

    [Fact]
    public async Task Switch_on_for_a_group_sends_only_that_group()
    {
        await using var bridge = await BridgeReceiver.StartAsync();
        await using var host = await SimulatorHost.StartAsync(bridge.Url);

        using var response = await host.Client.PostAsJsonAsync("/api/imp:all", new { groupId = "london-city" }, Ct);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var call = bridge.Calls.Should().ContainSingle().Subject;
        call.Path.Should().Be("/bridge/demo-untrusted/users:batch");
        call.Json.GetProperty("items").EnumerateArray().Should().HaveCount(15)
            .And.AllSatisfy(i => i.GetProperty("groupId").GetString().Should().Be("london-city"));
        (await host.Client.PostAsJsonAsync("/api/imp:all", new { groupId = "nope" }, Ct)).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_503_from_the_load_balancer_is_retried_and_both_attempts_are_logged()
    {
        await using var bridge = await BridgeReceiver.StartAsync();
        await using var host = await SimulatorHost.StartAsync(bridge.Url);
        (await host.Client.PutAsJsonAsync("/api/faults", new { bridgeFail503Next = 1 }, Ct)).EnsureSuccessStatusCode();

        var answer = await SetImpAsync(host, Untrusted, active: true);

        answer.GetProperty("bridge").GetProperty("status").GetInt32().Should().Be(202);
        answer.GetProperty("bridge").GetProperty("attempts").GetInt32().Should().Be(2);
        bridge.Calls.Should().ContainSingle("the simulated load balancer answered the first attempt itself");
        var calls = await BridgeCallsAsync(host);
        calls.Select(c => (c.GetProperty("attempt").GetInt32(), c.GetProperty("status").GetInt32()))
            .Should().Equal((2, 202), (1, 503));
        calls.Should().AllSatisfy(c =>
        {
            c.GetProperty("authorization").GetString().Should().Be("Basic ***");
            c.GetProperty("requestBody").GetString().Should().Contain(Untrusted);
        });
        (await host.Client.GetStringAsync("/api/calls", Ct)).Should().NotContain("Demo-Prov-2026!");
        (await host.Client.GetFromJsonAsync<JsonElement>("/api/faults", Ct)).GetProperty("bridgeFail503Next").GetInt32().Should().Be(0);
    }

    [Fact]
    public async Task A_dropped_connection_is_retried()
    {
        await using var bridge = await BridgeReceiver.StartAsync();
        await using var host = await SimulatorHost.StartAsync(bridge.Url);
        (await host.Client.PutAsJsonAsync("/api/faults", new { bridgeDropNext = 2 }, Ct)).EnsureSuccessStatusCode();

        var answer = await SetImpAsync(host, Untrusted, active: true);

        answer.GetProperty("bridge").GetProperty("status").GetInt32().Should().Be(202);
        answer.GetProperty("bridge").GetProperty("attempts").GetInt32().Should().Be(3);
        var calls = await BridgeCallsAsync(host);
        calls.Should().HaveCount(3);
        calls.Skip(1).Should().AllSatisfy(c => c.GetProperty("error").GetString().Should().Contain("BridgeDropNext"));
    }

    [Fact]
    public async Task A_4xx_is_not_retried_and_5xx_is_retried_until_the_last_attempt()
    {
        await using var bridge = await BridgeReceiver.StartAsync();
        await using var host = await SimulatorHost.StartAsync(bridge.Url, "--Simulator:BridgeRetries=2");
        bridge.Answer(400);

        var rejected = await SetImpAsync(host, Untrusted, active: true);

        rejected.GetProperty("bridge").GetProperty("status").GetInt32().Should().Be(400);
        rejected.GetProperty("bridge").GetProperty("attempts").GetInt32().Should().Be(1);
        bridge.Calls.Should().ContainSingle();

        bridge.Answer(500, 502, 503);
        var failed = await SetImpAsync(host, Trusted, active: true);

        failed.GetProperty("bridge").GetProperty("status").GetInt32().Should().Be(503);
        failed.GetProperty("bridge").GetProperty("attempts").GetInt32().Should().Be(3);
        bridge.Calls.Should().HaveCount(4);
    }

    [Fact]
    public async Task Adding_a_subscriber_with_imp_on_sends_them()
    {
        await using var bridge = await BridgeReceiver.StartAsync();
        await using var host = await SimulatorHost.StartAsync(bridge.Url);

        using var response = await host.Client.PostAsJsonAsync("/api/subscribers", new
        {
            userId = "jozef.nowy@warszawa.sp.example", password = "Pass-1", firstName = "Józef", lastName = "Nowy",
            groupId = "warszawa-wola", extension = "999", impActive = true,
        }, Ct);

        response.StatusCode.Should().Be(HttpStatusCode.Created);
        var call = bridge.Calls.Should().ContainSingle().Subject;
        call.Path.Should().Be("/bridge/demo-trusted/users");
        call.Json.GetProperty("extension").GetString().Should().Be("999");
        call.Json.TryGetProperty("primaryPhoneNumber", out _).Should().BeFalse();
    }
}
