using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using Flowthrough.Provisioning;
using Flowthrough.Subscribers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Flowthrough.Tests.Provisioning;

/// <summary>
/// Where the engine's time goes: seeds <c>FLOWTHROUGH_ENGINE_PROBE</c> trusted subscribers in provisioning, drains them
/// with <c>FLOWTHROUGH_ENGINE_PROBE_WORKERS</c> loops (default 2, the engine's default) and prints the rate and the
/// database commands per subscriber (also to the file <c>FLOWTHROUGH_ENGINE_PROBE_OUT</c>, as a passing test's output is
/// not shown). Skipped unless the variable is set: it measures, it asserts no timing.
/// <code>FLOWTHROUGH_ENGINE_PROBE=100000 dotnet test --project tests/Flowthrough.Tests -c Release -- --filter-class '*EngineThroughputProbe' --show-live-output on</code>
/// </summary>
public sealed class EngineThroughputProbe(ITestOutputHelper output)
{
    private const string CountVariable = "FLOWTHROUGH_ENGINE_PROBE";

    [Fact]
    public async Task Drains_the_seeded_backlog()
    {
        if (!int.TryParse(Environment.GetEnvironmentVariable(CountVariable), CultureInfo.InvariantCulture, out var count))
        {
            Assert.Skip($"{CountVariable} is not set; this probe measures the engine and only runs when asked.");
        }

        var commands = new CommandCounter();
        var overrides = new Dictionary<string, string?>();
        if (Environment.GetEnvironmentVariable("FLOWTHROUGH_ENGINE_PROBE_BATCH") is { } batch)
        {
            overrides["Engine:BatchSize"] = batch;
        }

        await using var app = await FlowthroughApplication.CreateAsync(overrides,
            configureServices: services => services.AddSingleton<IInterceptor>(commands));
        var partner = await app.CreatePartnerAsync();
        var seeding = Stopwatch.StartNew();
        for (var start = 0; start < count; start += 5_000)
        {
            await using var db = app.CreateDbContext();
            for (var i = start; i < Math.Min(count, start + 5_000); i++)
            {
                db.Subscribers.Add(Subscriber.Intake(new Subscriber.IntakeDetails(partner.Partner.Id, partner.Template.Id,
                    partner.Template.ProvisioningId, $"user{i:D7}@bench.sp.example", $"sp+group{i % 500}", "Zofia", "Wójcik",
                    SubscriberPackage.Standard, $"user{i:D7}@firma.example", true, "+48225550100", null, null, "pl", null,
                    SubscriberSource.Api), Actors.Api, DateTime.UtcNow));
            }

            await db.SaveChangesAsync();
        }

        Report($"{TestDatabase.Provider}: seeded {count:N0} in {seeding.Elapsed.TotalSeconds:0.0} s");
        var engine = app.Service<ProvisioningEngine>();
        // The test app runs no workers of its own; these loops are what a node's workers do (default 2).
        var workers = int.Parse(Environment.GetEnvironmentVariable("FLOWTHROUGH_ENGINE_PROBE_WORKERS") ?? "2", CultureInfo.InvariantCulture);
        commands.Reset();
        var clock = Stopwatch.StartNew();
        var batches = 0;
        await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
        {
            while (await engine.ProcessBatchAsync(TestContext.Current.CancellationToken) > 0)
            {
                Interlocked.Increment(ref batches);
            }
        })));
        var elapsed = clock.Elapsed;

        await using var check = app.CreateDbContext();
        var provisioned = await check.Subscribers.CountAsync(s => s.Status == SubscriberStatus.Provisioned);
        Report($"{TestDatabase.Provider}: {provisioned:N0} of {count:N0} provisioned in {elapsed.TotalSeconds:0.0} s " +
            $"= {provisioned / elapsed.TotalSeconds:N0}/s, {workers} workers, {batches} batches");
        foreach (var (kind, n) in commands.Counts.OrderByDescending(c => c.Value))
        {
            Report($"  {n / (double)count,8:0.00} per subscriber  {kind}");
        }

        provisioned.Should().Be(count);
    }

    private void Report(string line)
    {
        output.WriteLine(line);
        if (Environment.GetEnvironmentVariable("FLOWTHROUGH_ENGINE_PROBE_OUT") is { Length: > 0 } file)
        {
            File.AppendAllText(file, line + Environment.NewLine);
        }
    }

    /// <summary>Counts the commands sent, by verb and table, to see the round trips per subscriber.</summary>
    private sealed class CommandCounter : CommandObserver
    {
        public ConcurrentDictionary<string, int> Counts { get; } = new();

        public void Reset() => Counts.Clear();

        protected override void Observe(DbCommand command)
        {
            var text = command.CommandText.TrimStart();
            var verb = text.Split(' ', 2)[0].ToUpperInvariant();
            var at = new[] { "FROM \"", "INTO \"", "UPDATE \"" }.Select(k => text.IndexOf(k, StringComparison.Ordinal))
                .Where(i => i >= 0).DefaultIfEmpty(-1).Min();
            var table = at < 0 ? "" : text[(text.IndexOf('"', at) + 1)..].Split('"')[0];
            Counts.AddOrUpdate($"{verb} {table}", 1, (_, n) => n + 1);
        }
    }
}
