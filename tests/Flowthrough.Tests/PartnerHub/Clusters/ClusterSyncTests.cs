using System.Net;
using Flowthrough.BroadWorks.Sync;
using Flowthrough.Subscribers;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.Tests.PartnerHub.Clusters;

/// <summary>The Sync box of a cluster page, Sync now, and the page of its runs with every report field.</summary>
public sealed class ClusterSyncTests : IAsyncLifetime
{
    private HubFixture hub = null!;

    // The worker stays off: Sync now makes the cluster due, and a worker poll landing between the click and the test's own
    // TriggerOfAsync would start (and record) the very run the test reasons about.
    public async ValueTask InitializeAsync() =>
        hub = await HubFixture.StartAsync(new Dictionary<string, string?> { ["Sync:Enabled"] = "false" });

    public async ValueTask DisposeAsync() => await hub.DisposeAsync();

    private Guid ClusterId => hub.Partner.Template.ClusterId;

    [Fact]
    public async Task The_last_run_is_shown_on_the_cluster_page_and_every_run_on_the_runs_page()
    {
        var started = new DateTime(2026, 12, 2, 20, 0, 0, DateTimeKind.Utc);
        await using (var db = hub.App.CreateDbContext())
        {
            db.SyncRuns.AddRange(
                new SyncRun
                {
                    PartnerId = hub.Partner.Partner.Id, ClusterId = ClusterId, Trigger = "schedule", Started = started.AddHours(-1),
                    Finished = started.AddHours(-1).AddSeconds(20), Outcome = SyncOutcome.Complete, Groups = 20, Seen = 10_000,
                    Entitled = 4_000, Created = 4_000,
                },
                new SyncRun
                {
                    PartnerId = hub.Partner.Partner.Id, ClusterId = ClusterId, Trigger = "admin:42", Started = started,
                    Finished = started.AddMinutes(2).AddSeconds(5), Outcome = SyncOutcome.Incomplete, Groups = 20, GroupsFailed = 1,
                    Seen = 9_500, Entitled = 3_990, Created = 3, Updated = 7, Removed = 0, Failed = 2,
                    Message = "Group grp-7 failed: [Error 4008] Group not found.",
                });
            await db.SaveChangesAsync();
        }

        var browser = await hub.SignInAsync();
        await browser.OpenAsync($"/partner/clusters/{ClusterId}");
        browser.Document.QuerySelector("#sync-last")!.GetAttribute("data-outcome").Should().Be("incomplete");
        browser.Document.QuerySelector("#sync-last")!.TextContent.Should()
            .Contain("Incomplete (nothing removed)").And.Contain("2026-12-02 20:00:00 UTC").And.Contain("took 2 min 5 s");
        browser.Document.QuerySelector("#sync-counts")!.TextContent.Should().Be("seen 9500, created 3, updated 7, removed 0, failed 2");
        browser.Document.QuerySelector("#sync-message")!.TextContent.Should().Be("Group grp-7 failed: [Error 4008] Group not found.");

        await browser.OpenAsync(browser.Document.QuerySelector("#sync-runs-link")!.GetAttribute("href")!);
        browser.Status.Should().Be(HttpStatusCode.OK);
        var rows = browser.Document.QuerySelectorAll("#sync-runs tbody tr.run-row");
        rows.Select(r => r.GetAttribute("data-outcome")).Should().Equal("incomplete", "complete");
        rows[0].QuerySelectorAll("td").Select(td => td.TextContent.Trim()).Should().Equal(
            "2026-12-02 20:00:00 UTC", "Incomplete (nothing removed)", "Administrator (Sync now)", "20", "1", "9500", "3990", "3", "7", "0", "2",
            "2 min 5 s");
        browser.Document.QuerySelector($"#sync-runs tr[data-message-of='{rows[0].GetAttribute("data-run")}']")!.TextContent.Trim()
            .Should().Be("Message: Group grp-7 failed: [Error 4008] Group not found.");
        browser.Document.QuerySelectorAll("#sync-runs tr.run-message-row").Should().ContainSingle("a run without a message has no message row");
        rows[1].QuerySelectorAll("td").Select(td => td.TextContent.Trim()).Should().StartWith(["2026-12-02 19:00:00 UTC", "Complete", "Schedule"]);

        var polish = await hub.SignInAsync(language: "pl");
        await polish.OpenAsync($"/partner/clusters/{ClusterId}/sync");
        polish.Document.QuerySelector("#sync-runs tbody tr td:nth-child(2)")!.TextContent.Should().Be("Niepełna (nic nie usunięto)");
    }

    [Fact]
    public async Task Sync_now_makes_a_cluster_with_OCI_P_due_at_once_and_is_audited()
    {
        var browser = await hub.SignInAsync();
        await browser.OpenAsync($"/partner/clusters/{ClusterId}");
        browser.Document.QuerySelector("#sync-now").Should().BeNull("without OCI-P there is nothing to sync");
        browser.Document.QuerySelector("#sync-last")!.TextContent.Trim().Should().Be("No sync has run yet.");

        await using (var db = hub.App.CreateDbContext())
        {
            var cluster = await db.Clusters.SingleAsync(c => c.Id == ClusterId);
            cluster.OcipHost = "as.example";
            cluster.OcipUserId = "ro-admin";
            cluster.OcipPasswordProtected = hub.App.Service<Flowthrough.Clusters.ClusterSecrets>().Protect("secret");
            cluster.NextSyncAt = DateTime.UtcNow.AddHours(1);
            await db.SaveChangesAsync();
        }

        var before = DateTime.UtcNow;
        await browser.OpenAsync($"/partner/clusters/{ClusterId}");
        await browser.SubmitAsync("#sync-now-form");
        browser.StatusMessage().Should().Be("Sync of “Cluster” requested: it starts within a few moments.");
        await using var check = hub.App.CreateDbContext();
        var due = await check.Clusters.AsNoTracking().Where(c => c.Id == ClusterId).Select(c => c.NextSyncAt).SingleAsync();
        due.Should().NotBeNull().And.BeOnOrAfter(before.AddSeconds(-1)).And.BeOnOrBefore(DateTime.UtcNow);
        var audit = await check.AdminAuditEvents.AsNoTracking()
            .SingleAsync(a => a.Target == ClusterId.ToString() && a.Action == SyncWorker.SyncNowAction);
        var worker = hub.App.Service<SyncWorker>();
        (await worker.TriggerOfAsync(ClusterId, CancellationToken.None)).Should().Be(Actors.Admin(audit.AdminId!.Value),
            "the run Sync now makes due is reported as started by the admin, not the schedule");

        check.SyncRuns.Add(new SyncRun
        {
            PartnerId = hub.Partner.Partner.Id, ClusterId = ClusterId, Trigger = Actors.Admin(audit.AdminId!.Value),
            Started = DateTime.UtcNow.AddSeconds(1),
        });
        await check.SaveChangesAsync();
        (await worker.TriggerOfAsync(ClusterId, CancellationToken.None)).Should().Be(SyncWorker.ScheduleTrigger,
            "once that run started, the next one is the schedule's");
    }
}
