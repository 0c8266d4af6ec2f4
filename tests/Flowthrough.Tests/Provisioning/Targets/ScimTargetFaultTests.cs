using System.Globalization;
using Flowthrough.Subscribers;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.Tests.Provisioning.Targets;

/// <summary>
/// The provisioning target down or slow (the SCIM test server's fault switches) while subscribers arrive by the API:
/// intake never waits on the target, the backlog is provisioned once the target is back, and no SCIM user is made
/// twice, not even by a create whose answer timed out and which landed on the server later. Size:
/// <c>FLOWTHROUGH_FAULT_USERS</c> subscribers (20 by default).
/// </summary>
public sealed class ScimTargetFaultTests(ScimServerFixture scim) : IClassFixture<ScimServerFixture>
{
    private static int Size => int.TryParse(Environment.GetEnvironmentVariable("FLOWTHROUGH_FAULT_USERS"), out var n) && n > 0
        ? n
        : 20;

    /// <summary>How long the hanging target holds each request: three times the app's limit per call.</summary>
    private const int Latency = 3000;

    public static TheoryData<string> Faults => ["hang", "503", "truncate"];

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task Intake_answers_while_the_target_is_down_or_hangs_and_the_backlog_lands_once_after(string fault)
    {
        var app = await FlowthroughApplication.CreateAsync(new Dictionary<string, string?>
        {
            ["Engine:Workers"] = "2",
            ["Engine:PollInterval"] = "00:00:00.100",
            ["Engine:RetryBaseDelay"] = "00:00:00.200",
            ["Engine:RetryMaxDelay"] = "00:00:01",
            // Nobody runs out of attempts during the outage; the breaker keeps most of them unspent anyway.
            ["Engine:MaxAttempts"] = "100",
            ["Targets:BreakerBreakDuration"] = "00:00:01",
        });
        try
        {
            var partner = await app.CreatePartnerAsync();
            var server = await scim.FreshAsync();
            // A one-second limit per call: the hang (3 s per request) outlasts every call, and each create times out.
            await ScimTargetSetup.PointAtAsync(app, partner, server, t => t.TimeoutSeconds = 1);
            await server.SetFaultsAsync(fault switch
            {
                "hang" => new ScimFaults { LatencyMs = Latency },
                "503" => new ScimFaults { Fail503 = 1_000_000 },
                _ => new ScimFaults { Truncate = 1_000_000 },
            });
            var client = partner.Client();
            var ids = new List<string> { await ProvisionAsync(client, partner, 0) };
            if (fault == "hang")
            {
                await Eventually.HoldsAsync(async () => (await server.RequestsAsync()).Any(r => r.Status == 0),
                    "the engine is waiting on the hanging target");
            }

            for (var i = 1; i < Size; i++)
            {
                ids.Add(await ProvisionAsync(client, partner, i));
            }

            if (fault == "hang")
            {
                (await server.RequestsAsync()).Should().Contain(r => r.Status == 0,
                    "the target still held a call unanswered while every intake request was answered");
            }

            var duringOutage = (await server.RequestsAsync()).Count;
            if (fault != "hang")
            {
                // The control API answers whatever the switches say.
                (await server.StatsAsync()).Users.Should().Be(0, "nothing reaches a target that is down");
            }

            await server.SetFaultsAsync(new ScimFaults());

            await Eventually.HoldsAsync(async () => await CountAsync(app, SubscriberStatus.Provisioned) == Size,
                "the backlog is provisioned once the target is back", TimeSpan.FromSeconds(90));
            if (fault == "hang")
            {
                // Calls that hung go on to run on the server after the app gave up on them (the server's log keeps them
                // unanswered): the count is final once the last of them has served its latency.
                var lastHung = (await server.RequestsAsync()).Where(r => r.Status == 0).Max(r => r.Time);
                await Eventually.HoldsAsync(() => Task.FromResult(DateTimeOffset.UtcNow > lastHung.AddMilliseconds(Latency + 500)),
                    "every hung call has run on the server");
            }

            var users = await server.UsersAsync();
            users.Should().HaveCount(Size, "one SCIM user per subscriber, none made twice");
            users.Select(u => u.GetProperty("externalId").GetString()).Should().OnlyHaveUniqueItems().And.BeEquivalentTo(ids);
            users.Select(u => u.GetProperty("userName").GetString()).Should().OnlyHaveUniqueItems();
            (await CountAsync(app, SubscriberStatus.Provisioned)).Should().Be(Size, "no subscriber waits for consent to its own user");
            TestContext.Current.TestOutputHelper?.WriteLine(
                $"FIGURE scim {fault}: {Size} intakes answered, {duringOutage} target calls during the outage, {users.Count} users after");
        }
        finally
        {
            await app.DisposeAsync();
        }
    }

    private static Task<string> ProvisionAsync(HttpClient client, TestPartner partner, int i) =>
        ScimProvisioningTests.ProvisionAsync(client, partner, $"fault{i}@sp.example",
            string.Create(CultureInfo.InvariantCulture, $"fault{i}@acme.example"), "standard");

    private static async Task<int> CountAsync(FlowthroughApplication app, SubscriberStatus status)
    {
        await using var db = app.CreateDbContext();
        return await db.Subscribers.CountAsync(s => s.Status == status);
    }
}
