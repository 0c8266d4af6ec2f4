using System.Net;
using System.Text.Json;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Flowthrough.PartnerHub.Users.BulkJobs;
using Flowthrough.Subscribers;
using Microsoft.EntityFrameworkCore;
using static Flowthrough.Tests.PartnerHub.Users.BulkJobs.BulkJobTestData;
using static Flowthrough.Tests.PartnerHub.Users.UserStatusSeed;

namespace Flowthrough.Tests.PartnerHub.Users.BulkJobs;

/// <summary>
/// "All matching the filter" as a background job: 10,000 rows, progress visible mid-way and after a reload, cancel,
/// and a restart of the app (or a dead worker) that resumes where the job stopped, every row changed exactly once.
/// </summary>
public sealed class BulkJobTests : IAsyncLifetime
{
    private const int Rows = 10_000;

    private HubFixture hub = null!;

    public async ValueTask InitializeAsync() => hub = await HubFixture.StartAsync();

    public async ValueTask DisposeAsync() => await hub.DisposeAsync();

    private TestPartner P => hub.Partner;

    /// <summary>Confirms Change Package Type to premium on every row the (empty) filter matches; returns the job page's path.</summary>
    private async Task<string> StartPremiumJobAsync(PortalBrowser browser, int expected)
    {
        await browser.OpenAsync($"{UsersPath(hub)}/bulk?action=package&package=premium&scope=all");
        browser.Document.QuerySelector("#confirm-text")!.TextContent.Should().Contain($"all {expected} user(s)");
        browser.Document.QuerySelector("#runs-as-job").Should().NotBeNull("so many rows run in the background");
        await browser.SubmitAsync("main form[method=post]");
        browser.Path.Should().MatchRegex($"^/partner/templates/{P.Template.Id}/users/jobs/[0-9a-f-]{{36}}$",
            "starting a job opens its page");
        return browser.Path;
    }

    [Fact]
    public async Task The_same_confirmation_submitted_twice_at_once_starts_one_job()
    {
        await SeedPendingAsync(hub.App, P, 20);
        var browser = await hub.SignInAsync();
        await browser.OpenAsync($"{UsersPath(hub)}/bulk?action=package&package=premium&scope=all");
        var form = browser.Document.QuerySelector("main form[method=post]")!;
        var fields = form.QuerySelectorAll("input[name]")
            .Select(i => new KeyValuePair<string, string>(i.GetAttribute("name")!, i.GetAttribute("value") ?? ""))
            .ToList();
        var action = new Uri(browser.LastResponse!.RequestMessage!.RequestUri!, form.GetAttribute("action") ?? "");

        // A double click: the same form, with the same antiforgery token and job id, twice while neither has answered.
        var answers = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ =>
            browser.Client.PostAsync(action, new FormUrlEncodedContent(fields), TestContext.Current.CancellationToken)));

        answers.Select(a => a.RequestMessage!.RequestUri!.AbsolutePath).Distinct().Should().ContainSingle()
            .Which.Should().MatchRegex($"^/partner/templates/{P.Template.Id}/users/jobs/[0-9a-f-]{{36}}$");
        await using var db = hub.App.CreateDbContext();
        (await db.BulkJobs.CountAsync(j => j.TemplateId == P.Template.Id, TestContext.Current.CancellationToken))
            .Should().Be(1);
    }

    private static string Shown(PortalBrowser browser, string id) =>
        browser.Document.QuerySelector($"#{id}")!.TextContent.Trim();

    [Fact]
    public async Task Ten_thousand_rows_show_their_progress_mid_way_after_a_reload_and_end_in_the_report()
    {
        await SeedPendingAsync(hub.App, P, Rows);
        var browser = await hub.SignInAsync();
        var jobPage = await StartPremiumJobAsync(browser, Rows);
        Shown(browser, "job-status").Should().Be("Waiting to start");

        (await RunChunksAsync(hub.App, maxChunks: 4)).Should().BeTrue();

        await browser.OpenAsync(jobPage);
        Shown(browser, "job-status").Should().Be("Running");
        var bar = browser.Document.QuerySelector("progress#job-progress")!;
        bar.GetAttribute("max").Should().Be("10000");
        bar.GetAttribute("value").Should().Be("2000", "four chunks of 500 are committed");
        Shown(browser, "job-done").Should().Be("Done: 2000");
        Shown(browser, "job-skipped").Should().Be("Skipped: 0");
        Shown(browser, "job-failed").Should().Be("Failed: 0");
        browser.Document.QuerySelector("#job-cancel button")!.HasAttribute("disabled").Should().BeFalse();
        browser.Document.QuerySelector("#bulk-result").Should().BeNull("the report comes at the end");
        (await PackagesAsync(hub.App, P)).Should().Equal(new Dictionary<SubscriberPackage, int>
        {
            [SubscriberPackage.Premium] = 2000,
            [SubscriberPackage.Basic] = Rows - 2000,
        });

        // What the page's script polls.
        var json = await browser.Client.GetStringAsync($"{jobPage}?handler=Progress", TestContext.Current.CancellationToken);
        using (var progress = JsonDocument.Parse(json))
        {
            progress.RootElement.GetProperty("processed").GetInt32().Should().Be(2000);
            progress.RootElement.GetProperty("total").GetInt32().Should().Be(Rows);
            progress.RootElement.GetProperty("active").GetBoolean().Should().BeTrue();
            progress.RootElement.GetProperty("doneText").GetString().Should().Be("Done: 2000");
        }

        // User Status lists the running job, linking to its page.
        await browser.OpenAsync(UsersPath(hub));
        browser.Document.QuerySelector($"#running-jobs a[href='{jobPage}']").Should().NotBeNull();

        await DrainAsync(hub.App);

        await browser.OpenAsync(jobPage);
        Shown(browser, "job-status").Should().Be("Completed");
        browser.Document.QuerySelector("progress#job-progress")!.GetAttribute("value").Should().Be("10000");
        Shown(browser, "succeeded").Should().Be("Succeeded: 10000");
        browser.Document.QuerySelector("#job-cancel").Should().BeNull("an ended job cannot be cancelled");
        browser.Document.QuerySelector($"#recent-jobs a[href='{jobPage}']").Should().NotBeNull();
        (await PackagesAsync(hub.App, P)).Should().Equal(new Dictionary<SubscriberPackage, int> { [SubscriberPackage.Premium] = Rows });
        (await PackageChangesAsync(hub.App, P)).Values.Should().HaveCount(Rows).And.OnlyContain(n => n == 1);
        await using var db = hub.App.CreateDbContext();
        var audit = await db.AdminAuditEvents.AsNoTracking().Where(a => a.PartnerId == P.Partner.Id)
            .OrderBy(a => a.Id).Select(a => new { a.Action, a.AdminId, a.Data }).ToListAsync(TestContext.Current.CancellationToken);
        audit.Select(a => a.Action).Should().Equal(BulkJobAudit.Started, "bulk_package");
        audit.Should().OnlyContain(a => a.AdminId == hub.Admin.Id);
        audit[1].Data.Should().Contain("\"succeeded\":10000").And.Contain("\"package\":\"premium\"");
    }

    [Fact]
    public async Task Cancel_stops_the_job_and_keeps_what_was_done()
    {
        await SeedPendingAsync(hub.App, P, 2000);
        var browser = await hub.SignInAsync();
        var jobPage = await StartPremiumJobAsync(browser, 2000);
        await RunChunksAsync(hub.App, maxChunks: 1);

        await browser.OpenAsync(jobPage);
        await browser.SubmitAsync("#job-cancel");

        browser.Path.Should().Be(jobPage, "post-redirect-get back to the job");
        browser.StatusMessage().Should().Contain("being cancelled");
        Shown(browser, "job-status").Should().Be("Cancelled");
        Shown(browser, "succeeded").Should().Be("Succeeded: 500");
        await DrainAsync(hub.App);
        (await PackagesAsync(hub.App, P))[SubscriberPackage.Premium].Should().Be(500, "no chunk runs after the cancel");
        await using var db = hub.App.CreateDbContext();
        (await db.AdminAuditEvents.CountAsync(a => a.Action == BulkJobAudit.Cancelled, TestContext.Current.CancellationToken))
            .Should().Be(1);
    }

    [Fact]
    public async Task Cancelling_a_job_a_worker_holds_stops_it_after_the_chunk_in_hand()
    {
        await SeedPendingAsync(hub.App, P, 1000);
        var browser = await hub.SignInAsync();
        var jobPage = await StartPremiumJobAsync(browser, 1000);
        await HoldAsync("another-node", DateTime.UtcNow.AddMinutes(5));

        await browser.OpenAsync(jobPage);
        await browser.SubmitAsync("#job-cancel");
        Shown(browser, "job-status").Should().Be("Stopping after the current batch");
        browser.Document.QuerySelector("#job-cancel").Should().BeNull();

        // That worker died; its lease runs out and the next worker ends the job without touching a row.
        await HoldAsync("another-node", DateTime.UtcNow.AddSeconds(-1));
        await DrainAsync(hub.App);
        (await JobAsync(hub.App)).Status.Should().Be(BulkJobStatus.Cancelled);
        (await PackagesAsync(hub.App, P)).Should().NotContainKey(SubscriberPackage.Premium);
    }

    [Fact]
    public async Task A_job_whose_worker_died_is_taken_over_when_its_lease_runs_out_and_resumes_after_its_cursor()
    {
        await SeedPendingAsync(hub.App, P, 1500);
        var browser = await hub.SignInAsync();
        await StartPremiumJobAsync(browser, 1500);
        await RunChunksAsync(hub.App, maxChunks: 1);
        await HoldAsync("dead-node", DateTime.UtcNow.AddMinutes(5));

        (await RunChunksAsync(hub.App, maxChunks: 1)).Should().BeFalse("a live lease is respected");
        await HoldAsync("dead-node", DateTime.UtcNow.AddSeconds(-1));
        await DrainAsync(hub.App);

        var job = await JobAsync(hub.App);
        job.Status.Should().Be(BulkJobStatus.Completed);
        (job.Done, job.Skipped, job.Failed).Should().Be((1500, 0, 0));
        (await PackageChangesAsync(hub.App, P)).Values.Should().HaveCount(1500).And.OnlyContain(n => n == 1);
    }

    [Fact]
    public async Task A_restarted_app_resumes_the_job_and_changes_every_row_exactly_once()
    {
        await SeedPendingAsync(hub.App, P, Rows);
        var browser = await hub.SignInAsync();
        await StartPremiumJobAsync(browser, Rows);
        var workers = new Dictionary<string, string?>
        {
            ["Engine:Workers"] = "1",
            // Small chunks: a thousand commits take long enough, even on an idle machine, to restart in the middle.
            ["Engine:BulkJobChunkSize"] = "10",
            ["Engine:PollInterval"] = "00:00:00.200",
        };
        var first = await hub.App.RestartAsync(workers);
        var second = first;
        try
        {
            _ = first.Services; // starts the host and its workers
            await Eventually.HoldsAsync(async () => (await JobAsync(first)).Done >= 100, "the first app's worker is under way");

            second = await first.RestartAsync();
            var stopped = await JobAsync(second);
            stopped.Status.Should().Be(BulkJobStatus.Running, "the app stopped mid-job");
            stopped.Done.Should().BeLessThan(Rows);
            stopped.LeaseOwner.Should().BeNull("a worker that stops gives the job back");

            _ = second.Services;
            await Eventually.HoldsAsync(async () => (await JobAsync(second)).Status == BulkJobStatus.Completed,
                "the restarted app finishes the job", TimeSpan.FromMinutes(2));
            var job = await JobAsync(second);
            (job.Done, job.Skipped, job.Failed, job.Total).Should().Be((Rows, 0, 0, Rows));
            (await PackageChangesAsync(second, P)).Values.Should().HaveCount(Rows).And.OnlyContain(n => n == 1,
                "no row got the change twice");
        }
        finally
        {
            await second.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_read_only_admin_sees_the_job_but_cannot_cancel_it_and_another_partner_gets_404()
    {
        await SeedPendingAsync(hub.App, P, 10);
        var browser = await hub.SignInAsync();
        var jobPage = await StartPremiumJobAsync(browser, 10);

        var readOnly = await hub.SignInAsync(hub.ReadOnlyAdmin);
        await readOnly.OpenAsync(jobPage);
        readOnly.Document.QuerySelector("#job-cancel button")!.HasAttribute("disabled").Should().BeTrue();
        var token = readOnly.Document.QuerySelector<IHtmlInputElement>("#job-cancel input[name=__RequestVerificationToken]")!.Value;
        var response = await readOnly.Client.PostAsync($"{jobPage}?handler=Cancel", new FormUrlEncodedContent(
            new Dictionary<string, string> { ["__RequestVerificationToken"] = token }), TestContext.Current.CancellationToken);
        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await JobAsync(hub.App)).Status.Should().Be(BulkJobStatus.Queued);

        var other = await hub.App.CreatePartnerAsync();
        var otherAdmin = await HubFixture.AddAdminAsync(hub.App, other, Flowthrough.Partners.PartnerAdminRole.FullAdmin);
        var stranger = await hub.SignInAsync(otherAdmin);
        await stranger.OpenAsync(jobPage);
        stranger.Status.Should().Be(HttpStatusCode.NotFound);
        await stranger.OpenAsync($"{jobPage}?handler=Progress");
        stranger.Status.Should().Be(HttpStatusCode.NotFound);
    }

    /// <summary>Makes the job look held by another worker until <paramref name="until"/>.</summary>
    private async Task HoldAsync(string owner, DateTime until)
    {
        await using var db = hub.App.CreateDbContext();
        await db.BulkJobs.ExecuteUpdateAsync(u => u.SetProperty(j => j.LeaseOwner, owner).SetProperty(j => j.LeaseUntil, until),
            TestContext.Current.CancellationToken);
    }
}
