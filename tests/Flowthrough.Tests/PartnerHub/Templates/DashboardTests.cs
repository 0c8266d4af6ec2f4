using System.Net;
using AngleSharp.Dom;
using Flowthrough.Subscribers;

namespace Flowthrough.Tests.PartnerHub.Templates;

public sealed class DashboardTests
{
    /// <summary>A subscriber of the hub's template, as the API takes it in (trusted when it has an email).</summary>
    private static Subscriber Intake(HubFixture hub, string id, DateTime at, string? email)
    {
        var template = hub.Partner.Template;
        return Subscriber.Intake(new Subscriber.IntakeDetails(hub.Partner.Partner.Id, template.Id, template.ProvisioningId,
            id, "sp+g", "A", "B", SubscriberPackage.Basic, email, email is not null, "1", null, null, null, null,
            SubscriberSource.Api), Actors.Api, at);
    }

    [Fact]
    public async Task The_dashboard_shows_the_funnel_time_to_provisioned_and_who_is_stuck()
    {
        await using var hub = await HubFixture.StartAsync(fakeTime: true);
        var now = hub.App.Time!.GetUtcNow().UtcDateTime;
        var template = hub.Partner.Template;
        await using (var db = hub.App.CreateDbContext())
        {
            Subscriber Make(string id, DateTime at, string? email) => Intake(hub, id, at, email);
            for (var i = 0; i < 4; i++)
            {
                var done = Make($"done{i}", now.AddHours(-5), $"d{i}@x.example");
                done.BeginAttempt();
                done.CompleteProvisioning("u-" + Guid.NewGuid(), null, Guid.NewGuid(), now.AddHours(-5).AddMinutes(i + 1));
                db.Subscribers.Add(done);
            }

            db.Subscribers.Add(Make("stuck", now.AddDays(-3), null));
            db.Subscribers.Add(Make("fresh", now.AddHours(-1), null));
            await db.SaveChangesAsync();
        }

        var browser = await hub.SignInAsync();
        await browser.OpenAsync($"/partner/templates/{template.Id}/dashboard");

        browser.Status.Should().Be(HttpStatusCode.OK);
        browser.Document.QuerySelector("[data-status=provisioned]")!.TextContent.Should().Be("4");
        browser.Document.QuerySelector("[data-status=pending_email_input]")!.TextContent.Should().Be("2");
        browser.Document.QuerySelector("#p50")!.TextContent.Should().Be("2 min 0 s");
        browser.Document.QuerySelector("#p95")!.TextContent.Should().Be("4 min 0 s");
        browser.Text.Should().Contain("Waiting more than 24 h for a pending requirement: 1");
        browser.Document.QuerySelectorAll("#stuck ~ table tbody tr").Select(r => r.TextContent).Should().ContainSingle()
            .Which.Should().Contain("stuck");
    }

    [Fact]
    public async Task The_dashboard_draws_the_funnel_provisioned_per_day_and_errors_by_code_with_the_figures_in_tables()
    {
        await using var hub = await HubFixture.StartAsync(fakeTime: true);
        var now = hub.App.Time!.GetUtcNow().UtcDateTime;
        var template = hub.Partner.Template;
        await using (var db = hub.App.CreateDbContext())
        {
            Subscriber Make(string id, DateTime at, string? email) => Intake(hub, id, at, email);
            Subscriber Provisioned(string id, DateTime at)
            {
                var done = Make(id, at.AddMinutes(-5), $"{id}@x.example");
                done.BeginAttempt();
                done.CompleteProvisioning("u-" + Guid.NewGuid(), null, Guid.NewGuid(), at);
                return done;
            }

            Subscriber Failed(string id, ErrorDefinition error)
            {
                var failed = Make(id, now.AddHours(-2), $"{id}@x.example");
                failed.BeginAttempt();
                failed.Fail(error.Code, error.English, now.AddHours(-1));
                return failed;
            }

            db.Subscribers.AddRange(
                Provisioned("today-1", now.AddHours(-1)), Provisioned("today-2", now.AddHours(-2)),
                Provisioned("yesterday", now.AddDays(-1)), Provisioned("long-ago", now.AddDays(-40)),
                Failed("e1", ErrorCatalog.EmailInOtherOrganization), Failed("e2", ErrorCatalog.EmailInOtherOrganization),
                Failed("e3", ErrorCatalog.OrganizationMissing),
                Make("waiting-1", now.AddHours(-3), null), Make("waiting-2", now.AddHours(-3), null));
            var entered = Make("entered", now.AddHours(-3), null);
            entered.SubmitEmail("entered@x.example", Actors.Subscriber, now.AddHours(-2));
            db.Subscribers.Add(entered);
            await db.SaveChangesAsync();
        }

        var browser = await hub.SignInAsync(language: "pl");
        await browser.OpenAsync($"/partner/templates/{template.Id}/dashboard");

        browser.Status.Should().Be(HttpStatusCode.OK);
        // Funnel: 10 users; 8 entered an email; 7 verified (trusted or confirmed); 4 provisioned.
        string[] Cells(string selector) => [.. browser.Document.QuerySelectorAll(selector).Select(c => c.TextContent.Trim())];
        Cells("#funnel-table tbody th").Should().Equal("Wszyscy użytkownicy", "Podany adres e-mail", "Zweryfikowany adres e-mail", "Aprowizowani");
        Cells("#funnel-table td.count").Should().Equal("10", "8", "7", "4");
        Cells("#funnel-table td.conversion").Should().Equal("–", "80%", "88%", "57%");
        var funnelChart = browser.Document.QuerySelector("canvas#funnel-chart")!;
        funnelChart.GetAttribute("data-values").Should().Be("[10,8,7,4]");
        funnelChart.GetAttribute("role").Should().Be("img");
        funnelChart.GetAttribute("aria-label").Should().NotBeNullOrWhiteSpace();

        // Per day: 30 days ending today (UTC); the subscriber provisioned 40 days ago is outside.
        var days = browser.Document.QuerySelectorAll("#per-day-table tbody tr");
        days.Should().HaveCount(30);
        var today = DateOnly.FromDateTime(now).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var yesterday = DateOnly.FromDateTime(now.AddDays(-1)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        days[^1].GetAttribute("data-day").Should().Be(today);
        days[^1].QuerySelector("td")!.TextContent.Should().Be(now.Hour >= 2 ? "2" : "1");
        browser.Document.QuerySelector($"#per-day-table tr[data-day='{yesterday}'] td")!.TextContent.Should()
            .Be(now.Hour >= 2 ? "1" : "2");
        browser.Document.QuerySelector("#per-day-caption")!.TextContent.Should().Contain("łącznie 3");
        browser.Document.QuerySelector("details.figures")!.HasAttribute("open").Should().BeTrue("without JavaScript the figures show");

        // Errors by code, most frequent first, with the catalogue's remediation in the reader's language.
        var errors = browser.Document.QuerySelectorAll("#errors-table tbody tr");
        errors.Select(r => r.GetAttribute("data-code")).Should().Equal("7002", "7003");
        errors[0].QuerySelector("td.count")!.TextContent.Should().Be("2");
        errors[0].QuerySelector("td.remediation")!.TextContent.Should().Be(ErrorCatalog.EmailInOtherOrganization.RemediationPolish);
        browser.Document.QuerySelector("canvas#errors-chart")!.GetAttribute("data-labels").Should().Be("[\"7002\",\"7003\"]");
        browser.Document.QuerySelector($"a[href='/partner/templates/{template.Id}/users?status=error']").Should().NotBeNull();

        // Chart.js is served from the app itself, no CDN.
        var scripts = browser.Document.QuerySelectorAll("script[src]").Select(s => s.GetAttribute("src")!).ToList();
        scripts.Should().Contain(s => s.StartsWith("/lib/chart.js/chart.umd.min.js", StringComparison.Ordinal));
        scripts.Should().OnlyContain(s => s.StartsWith('/'));
        var library = await browser.Client.GetStringAsync(new Uri("/lib/chart.js/chart.umd.min.js", UriKind.Relative));
        library.Should().Contain("Chart.js v4.6");
    }

    [Fact]
    public async Task The_dashboard_of_another_partners_template_is_404()
    {
        await using var hub = await HubFixture.StartAsync();
        var other = await hub.App.CreatePartnerAsync();
        var browser = await hub.SignInAsync();

        await browser.OpenAsync($"/partner/templates/{other.Template.Id}/dashboard");

        browser.Status.Should().Be(HttpStatusCode.NotFound);
    }
}
