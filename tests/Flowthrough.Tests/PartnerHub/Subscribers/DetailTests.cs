using System.Net;
using AngleSharp.Dom;
using Flowthrough.Email;
using Flowthrough.Subscribers;

namespace Flowthrough.Tests.PartnerHub.Subscribers;

public sealed class DetailTests : IAsyncLifetime
{
    private HubFixture hub = null!;

    public async ValueTask InitializeAsync() => hub = await HubFixture.StartAsync();

    public async ValueTask DisposeAsync() => await hub.DisposeAsync();

    private async Task<Subscriber> AddAsync(string firstName = "Zofia")
    {
        await using var db = hub.App.CreateDbContext();
        var template = hub.Partner.Template;
        var subscriber = Subscriber.Intake(new Subscriber.IntakeDetails(hub.Partner.Partner.Id, template.Id, template.ProvisioningId,
            $"user-{Guid.NewGuid():N}@sp.example", "sp+g", firstName, "Żak", SubscriberPackage.Basic, null, false, "100",
            null, null, "pl", null, SubscriberSource.FlowThrough), Actors.BroadWorks, DateTime.UtcNow.AddHours(-2));
        subscriber.RetryActivation("zofia@firma.example", Actors.Admin(hub.Admin.Id), DateTime.UtcNow.AddHours(-1));
        subscriber.BeginAttempt();
        subscriber.ScheduleRetry(7001, "down", DateTime.UtcNow.AddMinutes(5), DateTime.UtcNow.AddMinutes(-30));
        db.Subscribers.Add(subscriber);
        db.Outbox.Add(new OutboxMessage
        {
            SubscriberId = subscriber.Id,
            PartnerId = hub.Partner.Partner.Id,
            To = "zofia@firma.example",
            Kind = EmailKind.Verification,
            Language = "pl",
            Subject = "Kod",
            // An abandoned (or sent) message keeps no body: the relay drops it with the code and link.
            Html = "",
            Text = "",
            Status = OutboxStatus.Abandoned,
            Attempts = 6,
            LastError = "550 mailbox unavailable",
            Created = DateTime.UtcNow,
            DedupeKey = Guid.NewGuid().ToString(),
        });
        await db.SaveChangesAsync();
        return subscriber;
    }

    [Fact]
    public async Task The_detail_shows_every_field_the_mail_delivery_and_a_timeline_naming_the_admin()
    {
        var subscriber = await AddAsync();
        var browser = await hub.SignInAsync();

        await browser.OpenAsync($"/partner/subscribers/{subscriber.Id}");

        browser.Status.Should().Be(HttpStatusCode.OK);
        browser.Text.Should().Contain(subscriber.UserId).And.Contain("zofia@firma.example").And.Contain("sp+g")
            .And.Contain("FT-" + subscriber.Id.ToString("N")[^8..].ToUpperInvariant())
            .And.Contain("550 mailbox unavailable").And.Contain("Abandoned");
        var timeline = browser.Document.QuerySelectorAll("table.timeline tbody tr").Select(r => r.TextContent).ToList();
        timeline.Should().HaveCount(3);
        timeline.Should().Contain(r => r.Contains("retry_activation") && r.Contains(hub.Admin.Email));
        timeline.Should().Contain(r => r.Contains("intake") && r.Contains("broadworks"));
        timeline.Should().Contain(r => r.Contains("attempt_failed") && r.Contains("engine"));
    }

    [Fact]
    public async Task Names_from_broadworks_are_rendered_inert()
    {
        var subscriber = await AddAsync("<script>alert(1)</script>");
        var browser = await hub.SignInAsync();

        await browser.OpenAsync($"/partner/subscribers/{subscriber.Id}");

        browser.Document.QuerySelectorAll("script").Should().NotContain(s => s.TextContent.Contains("alert(1)"));
        browser.Document.QuerySelector("h1")!.TextContent.Should().Contain("<script>alert(1)</script>");
    }

    [Fact]
    public async Task Another_partners_subscriber_is_404()
    {
        var other = await hub.App.CreatePartnerAsync();
        await using (var db = hub.App.CreateDbContext())
        {
            db.Subscribers.Add(Subscriber.Intake(new Subscriber.IntakeDetails(other.Partner.Id, other.Template.Id,
                other.Template.ProvisioningId, "x@sp.example", "sp+g", "A", "B", SubscriberPackage.Basic, null, false,
                "1", null, null, null, null, SubscriberSource.Api), Actors.Api, DateTime.UtcNow));
            await db.SaveChangesAsync();
        }

        Guid foreign;
        await using (var db = hub.App.CreateDbContext())
        {
            foreign = db.Subscribers.Single(s => s.PartnerId == other.Partner.Id).Id;
        }

        var browser = await hub.SignInAsync();
        await browser.OpenAsync($"/partner/subscribers/{foreign}");

        browser.Status.Should().Be(HttpStatusCode.NotFound);
    }
}
