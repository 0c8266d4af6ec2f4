using System.Net;
using AngleSharp.Dom;
using Flowthrough.Subscribers;

namespace Flowthrough.Tests.PartnerHub.Templates;

public sealed class DashboardTests
{
    [Fact]
    public async Task The_dashboard_shows_the_funnel_time_to_provisioned_and_who_is_stuck()
    {
        await using var hub = await HubFixture.StartAsync(fakeTime: true);
        var now = hub.App.Time!.GetUtcNow().UtcDateTime;
        var template = hub.Partner.Template;
        await using (var db = hub.App.CreateDbContext())
        {
            Subscriber Make(string id, DateTime at, string? email) => Subscriber.Intake(new Subscriber.IntakeDetails(
                hub.Partner.Partner.Id, template.Id, template.ProvisioningId, id, "sp+g", "A", "B", SubscriberPackage.Basic,
                email, email is not null, "1", null, null, null, null, SubscriberSource.Api), Actors.Api, at);
            for (var i = 0; i < 4; i++)
            {
                var done = Make($"done{i}", now.AddHours(-5), $"d{i}@x.example");
                done.BeginAttempt();
                done.CompleteProvisioning(Guid.NewGuid(), Guid.NewGuid(), now.AddHours(-5).AddMinutes(i + 1));
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
}
