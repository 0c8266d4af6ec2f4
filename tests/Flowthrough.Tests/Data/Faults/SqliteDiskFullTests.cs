using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Flowthrough.Data;
using Flowthrough.Subscribers;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Flowthrough.Tests.Data.Faults;

/// <summary>
/// SQLite with its disk full: intake answers 503 with Retry-After (never 500), nothing is half-written (a refused
/// call left no row; every accepted one has its timeline), and intake recovers once space returns, without a restart.
/// The disk is a real 16 MB tmpfs filled with a filler file where the test may mount one (root); elsewhere
/// <c>PRAGMA max_page_count</c> on every connection gives SQLite the same SQLITE_FULL.
/// </summary>
public sealed class SqliteDiskFullTests
{
    [Fact]
    public async Task Intake_answers_503_while_the_disk_is_full_writes_nothing_half_and_recovers_when_space_returns()
    {
        if (TestDatabase.Provider != DatabaseProvider.Sqlite)
        {
            Assert.Skip("A full disk under SQLite; PostgreSQL's own outage is the restart test.");
        }

        var folder = Directory.CreateTempSubdirectory("flowthrough-diskfull-").FullName;
        var mounted = await TryMountAsync(folder);
        var limit = new PageLimit();
        await using var app = await FlowthroughApplication.CreateAsync(
            new Dictionary<string, string?> { ["Engine:Workers"] = "0" },
            configureServices: mounted ? null : services => services.AddSingleton<IInterceptor>(limit),
            database: await TestDatabase.CreateSqliteAtAsync(Path.Combine(folder, "flowthrough.db")));
        try
        {
            var partner = await app.CreatePartnerAsync(FaultIntake.Trusted);
            var url = $"/bridge/{partner.Template.ProvisioningId}/users";
            using var bridge = FaultIntake.Bridge(app.CreateClient());
            var accepted = new ConcurrentBag<int>();
            var refused = new ConcurrentBag<int>();
            var next = 0;

            async Task<HttpStatusCode> CallAsync()
            {
                var i = Interlocked.Increment(ref next);
                using var response = await bridge.PostAsJsonAsync(url, FaultIntake.User(i), TestContext.Current.CancellationToken);
                if (response.StatusCode == HttpStatusCode.Accepted)
                {
                    accepted.Add(i);
                }
                else
                {
                    response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable, await response.Content.ReadAsStringAsync());
                    response.Headers.RetryAfter!.Delta.Should().Be(DbErrors.RetryAfter);
                    refused.Add(i);
                }

                return response.StatusCode;
            }

            for (var i = 0; i < 20; i++)
            {
                (await CallAsync()).Should().Be(HttpStatusCode.Accepted);
            }

            var filler = Path.Combine(folder, "filler");
            if (mounted)
            {
                Fill(filler);
            }
            else
            {
                limit.Full = true;
            }

            // Some calls may still fit in pages SQLite already holds; the disk shows as soon as it must grow.
            await Eventually.HoldsAsync(async () => await CallAsync() == HttpStatusCode.ServiceUnavailable,
                "intake answers 503 once the disk is full");
            for (var i = 0; i < 5; i++)
            {
                await CallAsync();
            }

            if (mounted)
            {
                File.Delete(filler);
            }
            else
            {
                limit.Full = false;
            }

            await Eventually.HoldsAsync(async () => await CallAsync() == HttpStatusCode.Accepted, "intake recovers when space returns");

            await using var db = app.CreateDbContext();
            var stored = await db.Subscribers.AsNoTracking().Select(s => new { s.Id, s.UserId }).ToListAsync(TestContext.Current.CancellationToken);
            stored.Select(s => s.UserId).Should().BeEquivalentTo(accepted.Select(FaultIntake.UserId),
                "every 202 is stored and no refused call left a row");
            var withTimeline = await db.SubscriberEvents.Where(e => e.Kind == "intake").Select(e => e.SubscriberId).Distinct()
                .CountAsync(TestContext.Current.CancellationToken);
            withTimeline.Should().Be(stored.Count, "no subscriber without its intake event");
            (await db.Database.SqlQueryRaw<string>("PRAGMA integrity_check").ToListAsync(TestContext.Current.CancellationToken))
                .Should().Equal("ok");
            Console.WriteLine($"FIGURE SQLite disk full ({(mounted ? "tmpfs 16 MB" : "max_page_count")}): " +
                $"{accepted.Count} answered 202, {refused.Count} answered 503, 0 answered 500, integrity ok");
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            if (mounted)
            {
                await RunAsync("umount", ["-l", folder]);
            }
        }
    }

    /// <summary>Fills the file system until it refuses another byte.</summary>
    private static void Fill(string path)
    {
        var block = new byte[64 * 1024];
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.WriteThrough);
        try
        {
            while (true)
            {
                stream.Write(block);
            }
        }
        catch (IOException)
        {
            // No space left on device: full.
        }
    }

    private static async Task<bool> TryMountAsync(string folder)
    {
        if (Environment.UserName != "root")
        {
            return false;
        }

        return await RunAsync("mount", ["-t", "tmpfs", "-o", "size=16m", "tmpfs", folder]) == 0;
    }

    private static async Task<int> RunAsync(string file, string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        try
        {
            using var process = Process.Start(start)!;
            await process.WaitForExitAsync();
            return process.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return -1;
        }
    }

    /// <summary>Where no file system can be mounted: caps the database at its current pages, as a full disk would.</summary>
    private sealed class PageLimit : DbConnectionInterceptor
    {
        public volatile bool Full;

        public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData,
            CancellationToken cancellationToken = default)
        {
            ConnectionOpened(connection, eventData);
            return Task.CompletedTask;
        }

        public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
        {
            using var count = connection.CreateCommand();
            count.CommandText = "PRAGMA page_count";
            var pages = Convert.ToInt64(count.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
            using var cap = connection.CreateCommand();
            cap.CommandText = $"PRAGMA max_page_count = {(Full ? pages : 1_073_741_823)}";
            cap.ExecuteNonQuery();
        }
    }
}
