using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Flowthrough.Subscribers;
using Flowthrough.Templates;
using Flowthrough.Tests.Simulator;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.Tests.Bridge;

/// <summary>
/// Flow-through calls the simulated AS had to retry: refused before reaching the app (a dropped connection, a load
/// balancer's 503) or processed by the app with the answer lost on the way back (fault BridgeLoseAnswerNext). Every
/// retried call lands once: one subscriber, one intake event, the same answer to the repeat.
/// </summary>
public sealed class BridgeRetryTests : IAsyncLifetime
{
    private const string Lukasz = "lukasz.wojcik@warszawa.sp.example";

    private FlowthroughApplication app = null!;
    private SimulatorHost simulator = null!;

    public async ValueTask InitializeAsync()
    {
        app = (await FlowthroughApplication.CreateAsync()).StartKestrel();
        await app.CreatePartnerAsync(t => FlowThroughEndToEndTests.Wire(t, "demo-untrusted", EmailTrust.Untrusted));
        await app.CreatePartnerAsync(t => FlowThroughEndToEndTests.Wire(t, "demo-trusted", EmailTrust.Untrusted));
        simulator = await SimulatorHost.StartAsync(app.ServerUrl);
    }

    public async ValueTask DisposeAsync()
    {
        await simulator.DisposeAsync();
        await app.DisposeAsync();
    }

    [Fact]
    public async Task A_call_dropped_refused_and_then_answered_into_the_void_lands_once()
    {
        // Attempt 1 dropped, 2 gets 503, 3 reaches the app but its answer is lost, 4 is answered.
        await FaultsAsync(new { bridgeDropNext = 1, bridgeFail503Next = 1, bridgeLoseAnswerNext = 1 });

        var bridge = await SwitchAsync(Lukasz, active: true);

        bridge["status"]!.GetValue<int>().Should().Be(202);
        bridge["attempts"]!.GetValue<int>().Should().Be(4);
        await using var db = app.CreateDbContext();
        var subscriber = await db.Subscribers.SingleAsync(s => s.UserId == Lukasz);
        (await db.SubscriberEvents.Where(e => e.SubscriberId == subscriber.Id).Select(e => e.Kind).ToListAsync())
            .Should().Equal(["intake"], "the repeat of a call already applied changes nothing");
    }

    [Fact]
    public async Task A_removal_whose_answer_was_lost_gets_the_same_answer_when_repeated()
    {
        await SwitchAsync(Lukasz, active: true);
        await FaultsAsync(new { bridgeLoseAnswerNext = 1 });

        var bridge = await SwitchAsync(Lukasz, active: false);

        bridge["status"]!.GetValue<int>().Should().Be(202);
        bridge["attempts"]!.GetValue<int>().Should().Be(2);
        await using var db = app.CreateDbContext();
        (await db.Subscribers.CountAsync(s => s.UserId == Lukasz)).Should().Be(0);
    }

    [Fact]
    public async Task A_batch_whose_answer_was_lost_lands_once_per_user()
    {
        await FaultsAsync(new { bridgeLoseAnswerNext = 1, bridgeFail503Next = 1 });

        var response = await simulator.Client.PostAsJsonAsync("/api/imp:all", new { });

        response.EnsureSuccessStatusCode();
        await using var db = app.CreateDbContext();
        var count = await db.Subscribers.CountAsync();
        count.Should().BeGreaterThan(0);
        (await db.Subscribers.Select(s => s.UserId).Distinct().CountAsync()).Should().Be(count);
        (await db.SubscriberEvents.CountAsync(e => e.Kind == "intake")).Should().Be(count, "one intake event per user");
        (await db.SubscriberEvents.Where(e => e.Kind != "intake").Select(e => e.Kind).ToListAsync())
            .Should().BeEmpty("the repeated batch changed nobody");
        TestContext.Current.TestOutputHelper?.WriteLine($"FIGURE bridge batch answer lost: {count} subscribers, {count} intake events");
    }

    private async Task FaultsAsync(object faults) =>
        (await simulator.Client.PutAsJsonAsync("/api/faults", faults)).EnsureSuccessStatusCode();

    private Task<JsonObject> SwitchAsync(string userId, bool active) =>
        FlowThroughEndToEndTests.SwitchAsync(simulator, userId, active);
}
