using System.Net;
using Flowthrough.Provisioning.Targets.Reconciliation;
using Flowthrough.Subscribers;
using Flowthrough.Tests.Provisioning.Targets;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.Tests.PartnerHub.Reconciliation;

/// <summary>The Reconciliation page without JavaScript: plain forms, post-redirect-get, in both languages.</summary>
public sealed class ReconciliationPageTests
{
    [Fact]
    public async Task An_admin_starts_a_run_follows_it_filters_the_items_and_repairs_them()
    {
        await using var hub = await HubFixture.StartAsync();
        var scenario = new ReconciliationScenario(hub, new BuiltInDriftInjection(hub.App));
        await scenario.ProvisionAndDriftAsync();
        var browser = await hub.SignInAsync();
        var template = hub.Partner.Template.Id;

        await browser.OpenAsync($"/partner/templates/{template}");
        var link = browser.Document.QuerySelector("#reconciliation-link")!.GetAttribute("href");
        link.Should().Be($"/partner/templates/{template}/reconciliation");
        await browser.OpenAsync(link!);
        browser.Document.QuerySelector("#no-runs").Should().NotBeNull();
        browser.Document.QuerySelector("#reconcile-schedule")!.TextContent.Should().Contain("built-in directory");

        await browser.SubmitAsync("#reconcile-start");
        browser.Status.Should().Be(HttpStatusCode.OK);
        browser.Text.Should().Contain("Reconciliation started");
        var panel = browser.Document.QuerySelector("#reconcile-run")!;
        panel.GetAttribute("data-active").Should().Be("true", "no worker runs in the test host: the run waits, queued");
        browser.Document.QuerySelector("#run-state")!.TextContent.Should().Contain("Waiting to start");
        browser.Document.QuerySelector("#run-progress").Should().NotBeNull();

        // Pressing it again while the run waits shows the same run; it queues no second one.
        await browser.SubmitAsync("#reconcile-start");
        browser.Text.Should().Contain("already waiting or running");
        await using (var db = hub.App.CreateDbContext())
        {
            (await db.ReconciliationRuns.CountAsync(r => r.TemplateId == template)).Should().Be(1);
        }

        (await hub.App.Service<ReconciliationRunner>().RunNextAsync(TestContext.Current.CancellationToken)).Should().BeTrue();
        var progress = await browser.Client.GetStringAsync(panel.GetAttribute("data-progress-url"));
        progress.Should().Contain("\"active\":false").And.Contain("\"state\":\"Completed\"");
        await browser.OpenAsync(browser.Document.QuerySelector("#run-refresh")!.GetAttribute("href")!);
        browser.Document.QuerySelector("#run-state")!.TextContent.Should().Contain("Completed");
        browser.Document.QuerySelectorAll("#drift tbody tr").Should().HaveCount(5);
        browser.Document.QuerySelectorAll("#runs tbody tr").Should().HaveCount(1);

        // The kind filter is a set of links: Missing shows the two missing users only.
        var missing = browser.Document.QuerySelectorAll(".kind-filter a").Single(a => a.TextContent.StartsWith("Missing", StringComparison.Ordinal));
        missing.TextContent.Should().Be("Missing (2)");
        await browser.OpenAsync(missing.GetAttribute("href")!);
        browser.Document.QuerySelectorAll("#drift tbody tr").Should().HaveCount(2).And.OnlyContain(r => r.GetAttribute("data-kind") == "missing");
        browser.Document.QuerySelector(".kind-filter a[aria-current=page]")!.TextContent.Should().Be("Missing (2)");

        // Re-push one missing subscriber from its row: it goes back through the engine, the row says so, the filter stays.
        var row = browser.Document.QuerySelector($"#drift tbody tr:has(a[href='/partner/subscribers/{scenario.Deleted.Id}'])")!;
        var itemId = row.GetAttribute("data-item-id");
        await browser.SubmitAsync($"#drift tr[data-item-id='{itemId}'] form:has(input[name=action][value=Repush])");
        browser.Text.Should().Contain($"{scenario.Deleted.UserId} goes back through provisioning");
        browser.Path.Should().EndWith("/reconciliation");
        browser.LastResponse!.RequestMessage!.RequestUri!.Query.Should().Contain("kind=missing");
        browser.Document.QuerySelector($"#drift tr[data-item-id='{itemId}'] .resolution")!.TextContent.Should().Be("Re-pushed");
        (await scenario.ReloadAsync(scenario.Deleted.Id)).Status.Should().Be(SubscriberStatus.Updating);

        // The extra users: one can be adopted, the other only ignored.
        await browser.OpenAsync(browser.Document.QuerySelectorAll(".kind-filter a").Single(a => a.TextContent.StartsWith("Extra", StringComparison.Ordinal)).GetAttribute("href")!);
        var stranger = browser.Document.QuerySelectorAll("#drift tbody tr").Single(r => r.TextContent.Contains("stranger@recon.example", StringComparison.Ordinal));
        stranger.QuerySelectorAll("button").Select(b => b.TextContent).Should().Equal("Ignore");
        var adoptable = browser.Document.QuerySelectorAll("#drift tbody tr").Single(r => r != stranger);
        adoptable.QuerySelectorAll("button").Select(b => b.TextContent).Should().Equal("Adopt", "Ignore");
        await browser.SubmitAsync($"#drift tr[data-item-id='{stranger.GetAttribute("data-item-id")}'] form");
        browser.Text.Should().Contain("Ignored: later runs mark this item as ignored.");

        // Re-push all takes the remaining missing and different ones.
        await browser.SubmitAsync("#repush-all");
        browser.Text.Should().Contain("Re-pushed: 2. Not re-pushed");
        browser.Document.QuerySelector("#repush-all").Should().BeNull("nothing is left to re-push");

        await using var check = hub.App.CreateDbContext();
        var audit = await check.AdminAuditEvents.Where(a => a.AdminId == hub.Admin.Id).Select(a => a.Action).ToListAsync();
        audit.Should().Contain([ReconciliationRepairs.AuditRun, ReconciliationRepairs.AuditRepush, ReconciliationRepairs.AuditIgnore,
            ReconciliationRepairs.AuditRepushAll]);
    }

    [Fact]
    public async Task A_read_only_admin_sees_the_items_but_cannot_start_or_repair()
    {
        await using var hub = await HubFixture.StartAsync();
        var scenario = new ReconciliationScenario(hub, new BuiltInDriftInjection(hub.App));
        await scenario.ProvisionAndDriftAsync();
        await scenario.RunAsync();
        var browser = await hub.SignInAsync(hub.ReadOnlyAdmin, "pl");

        await browser.OpenAsync($"/partner/templates/{hub.Partner.Template.Id}/reconciliation");
        browser.Document.QuerySelector("h1")!.TextContent.Should().Be("Uzgadnianie");
        browser.Document.QuerySelector("#readonly-why")!.TextContent.Should().Contain("tylko do odczytu");
        browser.Document.QuerySelectorAll("#drift tbody tr").Should().HaveCount(5);
        browser.Document.QuerySelectorAll("main form button").Should().OnlyContain(b => b.HasAttribute("disabled"));
        browser.Document.QuerySelector("#reconcile-start button")!.TextContent.Should().Be("Uruchom uzgadnianie teraz");

        await browser.SubmitAsync("#reconcile-start");
        browser.Status.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Another_partners_template_and_run_are_not_found()
    {
        await using var hub = await HubFixture.StartAsync();
        var other = await hub.App.CreatePartnerAsync();
        var browser = await hub.SignInAsync();
        await browser.OpenAsync($"/partner/templates/{other.Template.Id}/reconciliation");
        browser.Status.Should().Be(HttpStatusCode.NotFound);
        await browser.OpenAsync($"/partner/templates/{hub.Partner.Template.Id}/reconciliation?run={Guid.NewGuid()}");
        browser.Status.Should().Be(HttpStatusCode.NotFound);
    }
}
