using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Flowthrough.Data;
using Flowthrough.Subscribers;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.Tests.Data.Faults;

/// <summary>
/// PostgreSQL stopped (immediate mode, every backend killed) and started again while BroadWorks-style intake keeps
/// calling: while it is down every call answers 503 with Retry-After (never 500), every 202 is in the database
/// afterwards, and the app takes calls again without being restarted.
/// </summary>
public sealed class PostgresRestartTests
{
    [Fact]
    public async Task Intake_answers_503_while_the_database_is_down_never_500_and_loses_nothing_it_accepted()
    {
        if (TestDatabase.Provider != DatabaseProvider.Postgres)
        {
            Assert.Skip("PostgreSQL restarts: the SQLite equivalent is the disk-full test.");
        }

        await using var cluster = await ThrowawayPostgres.StartNewAsync();
        await using var app = await FlowthroughApplication.CreateAsync(new Dictionary<string, string?>
        {
            ["Engine:Workers"] = "1",
            ["Engine:PollInterval"] = "00:00:00.500",
            // Attempts that failed while the database was down come round again within seconds.
            ["Engine:RetryBaseDelay"] = "00:00:01",
            ["Engine:RetryMaxDelay"] = "00:00:02",
            // Claims taken just before the server died come back when their lease ends.
            ["Engine:LeaseDuration"] = "00:00:05",
        }, database: await TestDatabase.CreateOnPostgresServerAsync(cluster.ServerConnection));
        var partner = await app.CreatePartnerAsync(FaultIntake.Trusted);
        var url = $"/bridge/{partner.Template.ProvisioningId}/users";

        var accepted = new ConcurrentBag<int>();
        var unavailable = 0;
        var other = new ConcurrentBag<string>();
        var next = -1;
        using var stop = new CancellationTokenSource();
        var callers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            using var bridge = FaultIntake.Bridge(app.CreateClient());
            while (!stop.IsCancellationRequested)
            {
                var i = Interlocked.Increment(ref next);
                using var response = await bridge.PostAsJsonAsync(url, FaultIntake.User(i), CancellationToken.None);
                if (response.StatusCode == HttpStatusCode.Accepted)
                {
                    accepted.Add(i);
                }
                else if (response.StatusCode == HttpStatusCode.ServiceUnavailable
                    && response.Headers.RetryAfter?.Delta == DbErrors.RetryAfter
                    && response.Content.Headers.ContentType?.MediaType == "application/problem+json"
                    && (await response.Content.ReadFromJsonAsync<JsonObject>(CancellationToken.None))!["errorCode"]!
                        .GetValue<int>() == ErrorCatalog.StorageUnavailable.Code)
                {
                    Interlocked.Increment(ref unavailable);
                }
                else
                {
                    other.Add($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(CancellationToken.None)}");
                }
            }
        })).ToList();

        await Eventually.HoldsAsync(() => Task.FromResult(accepted.Count >= 20), "intake runs before the restart");
        await cluster.StopAsync();
        await Eventually.HoldsAsync(() => Task.FromResult(Volatile.Read(ref unavailable) >= 10), "calls answer 503 while it is down");

        // A person reading the answer reads it in their language.
        using (var polish = FaultIntake.Bridge(app.CreateClient()))
        {
            polish.DefaultRequestHeaders.AcceptLanguage.ParseAdd("pl");
            using var response = await polish.PostAsJsonAsync(url, FaultIntake.User(1_000_000), TestContext.Current.CancellationToken);
            response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
            (await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))
                .Should().Contain(ErrorCatalog.StorageUnavailable.Polish);
        }

        var acceptedBeforeRestart = accepted.Count;
        await cluster.StartAsync();
        await Eventually.HoldsAsync(() => Task.FromResult(accepted.Count >= acceptedBeforeRestart + 20),
            "intake recovers without restarting the app", TimeSpan.FromSeconds(60));
        await stop.CancelAsync();
        await Task.WhenAll(callers);

        other.Should().BeEmpty("every answer is 202, or 503 with Retry-After while the database is down");
        var ids = accepted.Select(FaultIntake.UserId).ToHashSet();
        await using var db = app.CreateDbContext();
        var stored = await db.Subscribers.Where(s => ids.Contains(s.UserId)).CountAsync(TestContext.Current.CancellationToken);
        stored.Should().Be(ids.Count, "every call answered 202 is in the database");
        Console.WriteLine($"FIGURE PostgreSQL restart: {ids.Count} answered 202, {unavailable} answered 503, 0 answered 500");
        await Eventually.HoldsAsync(async () =>
        {
            await using var check = app.CreateDbContext();
            return await check.Subscribers.CountAsync(s => ids.Contains(s.UserId) && s.Status == SubscriberStatus.Provisioned) == ids.Count;
        }, "the engine recovers too and provisions every accepted subscriber", TimeSpan.FromSeconds(60));
    }
}
