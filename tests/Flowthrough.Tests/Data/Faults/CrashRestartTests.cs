using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Flowthrough.Email;
using Flowthrough.Subscribers;
using Flowthrough.Tests.Operations;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.Tests.Data.Faults;

/// <summary>
/// The built app as a real process, killed with SIGKILL while it provisions subscribers and sends queued emails, then
/// started again on the same database: every accepted subscriber ends provisioned exactly once (one person, licence
/// and organisation), every email is Sent once per dedupe key, and nothing accepted is missing. Small in CI; the full
/// size (100k subscribers, 10k emails) by hand:
/// <c>FLOWTHROUGH_CRASH_SUBSCRIBERS=100000 FLOWTHROUGH_CRASH_EMAILS=10000 ./test.sh --filter-class 'Flowthrough.Tests.Data.Faults.CrashRestartTests'</c>.
/// </summary>
public sealed class CrashRestartTests
{
    private static int Size(string variable, int small) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), CultureInfo.InvariantCulture, out var size) ? size : small;

    [Fact]
    public async Task Kill_9_mid_work_then_restart_provisions_every_subscriber_once_and_sends_every_email_once()
    {
        var subscribers = Size("FLOWTHROUGH_CRASH_SUBSCRIBERS", 400);
        var emails = Size("FLOWTHROUGH_CRASH_EMAILS", 100);
        var batch = subscribers >= 10_000 ? 1000 : 50;
        var deadline = TimeSpan.FromSeconds(Math.Max(120, subscribers / 20));

        // The in-process app is never started: it lends its fresh database and its partner set-up to the real process.
        await using var seed = await FlowthroughApplication.CreateAsync();
        var partner = await seed.CreatePartnerAsync(FaultIntake.Trusted);
        await using (var db = seed.CreateDbContext())
        {
            await FaultIntake.QueueEmailsAsync(db, partner.Partner.Id, emails);
        }

        var baseUrl = $"http://127.0.0.1:{FreePort()}";
        var mail = Directory.CreateTempSubdirectory("flowthrough-crash-mail-").FullName;
        var environment = new Dictionary<string, string>(AppProcess.EnvironmentFor(seed.Database))
        {
            ["Seed__Demo"] = "false",
            ["Email__Mode"] = "Pickup",
            ["Email__PickupDirectory"] = mail,
            ["Email__BatchSize"] = "20",
            ["PublicBaseUrl"] = baseUrl,
            ["Engine__Workers"] = "2",
            ["Engine__BatchSize"] = "100",
            // Short leases: after the kill, the dead process's claims come back within seconds.
            ["Engine__LeaseDuration"] = "00:00:05",
            ["Email__LeaseDuration"] = "00:00:05",
            ["Engine__PollInterval"] = "00:00:01",
            ["Email__PollInterval"] = "00:00:01",
        };

        using var bridge = FaultIntake.Bridge(new HttpClient { BaseAddress = new Uri(baseUrl) });
        var first = await StartAsync(environment, baseUrl);
        // BroadWorks sends every batch until it is accepted, through the kill and the restart.
        var intake = Task.Run(async () =>
        {
            for (var from = 0; from < subscribers; from += batch)
            {
                while (!await FaultIntake.SendBatchAsync(bridge, partner.Template.ProvisioningId, from, Math.Min(batch, subscribers - from)))
                {
                    await Task.Delay(200);
                }
            }
        });

        int provisionedAtKill = 0, sentAtKill = 0;
        await Eventually.HoldsAsync(async () =>
        {
            await using var db = seed.CreateDbContext();
            provisionedAtKill = await db.Subscribers.CountAsync(s => s.Status == SubscriberStatus.Provisioned);
            sentAtKill = await db.Outbox.CountAsync(m => m.Status == OutboxStatus.Sent);
            return provisionedAtKill > 0 && sentAtKill > 0;
        }, "the engine and the relay are at work", deadline);
        first.Process.Kill(entireProcessTree: true);
        await first.Process.WaitForExitAsync(TestContext.Current.CancellationToken);
        var acceptedAtKill = await CountAsync(seed, null);

        using var second = await StartAsync(environment, baseUrl);
        await intake;
        await Eventually.HoldsAsync(async () =>
        {
            second.Process.HasExited.Should().BeFalse($"the restarted app keeps running:\n{second.Log}");
            await using var db = seed.CreateDbContext();
            return await db.Subscribers.CountAsync(s => s.Status == SubscriberStatus.Provisioned) == subscribers
                && await db.Outbox.CountAsync(m => m.Status == OutboxStatus.Sent) == emails;
        }, "the restarted app finishes the work", deadline);
        second.Process.Kill(entireProcessTree: true);

        await using (var db = seed.CreateDbContext())
        {
            await FaultIntake.AssertProvisionedOnceAsync(db, subscribers);
            var deliveries = await FaultIntake.AssertEmailsSentAsync(db, mail, emails);
            // Delivery is at least once with a stable Message-Id: only the message the one relay loop was handing over
            // at the kill can have left twice, and a receiver recognises it by its Message-Id.
            var repeated = deliveries.Values.Sum(files => files - 1);
            repeated.Should().BeLessThanOrEqualTo(1);
            Console.WriteLine($"FIGURE crash: killed at {acceptedAtKill} accepted, {provisionedAtKill} provisioned, {sentAtKill} sent; " +
                $"after restart {subscribers} provisioned once, {emails} emails Sent once per key, {repeated} delivered twice (same Message-Id)");
        }

        first.Dispose();
        Directory.Delete(mail, recursive: true);
    }

    private static async Task<int> CountAsync(FlowthroughApplication app, SubscriberStatus? status)
    {
        await using var db = app.CreateDbContext();
        return status is null ? await db.Subscribers.CountAsync() : await db.Subscribers.CountAsync(s => s.Status == status);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class Running(Process process, StringBuilder log) : IDisposable
    {
        public Process Process { get; } = process;

        public string Log
        {
            get
            {
                lock (log)
                {
                    return log.ToString();
                }
            }
        }

        public void Dispose()
        {
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
            }

            Process.Dispose();
        }
    }

    private static async Task<Running> StartAsync(Dictionary<string, string> environment, string baseUrl)
    {
        var process = Process.Start(AppProcess.StartInfo(environment, ["--urls", baseUrl]))!;
        var log = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var running = new Running(process, log);
        using var probe = new HttpClient { BaseAddress = new Uri(baseUrl) };
        await Eventually.HoldsAsync(async () =>
        {
            process.HasExited.Should().BeFalse($"the app keeps running:\n{running.Log}");
            try
            {
                using var health = await probe.GetAsync("/healthz", TestContext.Current.CancellationToken);
                return health.IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, "the app answers /healthz", TimeSpan.FromSeconds(60));
        return running;
    }
}
