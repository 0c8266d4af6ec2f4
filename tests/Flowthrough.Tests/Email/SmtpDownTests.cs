using System.Globalization;
using System.Net;
using Flowthrough.Email;
using Flowthrough.Partners;
using Flowthrough.Subscribers;
using Flowthrough.Tests.Activation;
using Flowthrough.Tests.PartnerHub;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.Tests.Email;

/// <summary>
/// The mail server down while subscribers activate in the portal: every request still answers, the outbox keeps the
/// messages (retrying with backoff, visible per subscriber in Partner Hub) and sends each once when the server is back;
/// a message is abandoned only after its last attempt. Size: <c>FLOWTHROUGH_FAULT_USERS</c> activations (4 by default,
/// the simulator's ten users at most).
/// </summary>
public sealed class SmtpDownTests : IAsyncLifetime
{
    private static readonly (string UserId, string Password)[] Users =
    [
        (PortalFixture.Lukasz, PortalFixture.LukaszPassword),
        (PortalFixture.Zofia, PortalFixture.ZofiaPassword),
        ("malgorzata.kowalczyk@warszawa.sp.example", "Bw!Malgorzata2103"),
        ("pawel.dabrowski@warszawa.sp.example", "Bw!Pawel2104"),
        ("agnieszka.wisniewska@warszawa.sp.example", "Bw!Agnieszka2105"),
        ("grzegorz.luczak@warszawa.sp.example", "Bw!Grzegorz2106"),
        ("katarzyna.zielinska@warszawa.sp.example", "Bw!Katarzyna2107"),
        ("michal.szymanski@warszawa.sp.example", "Bw!Michal2108"),
        ("joanna.wozniak@warszawa.sp.example", "Bw!Joanna2109"),
        ("krzysztof.kozlowski@warszawa.sp.example", "Bw!Krzysztof2110"),
    ];

    private readonly int port = SmtpSink.FreePort();
    private PortalFixture? portal;

    private PortalFixture Portal => portal ?? throw new InvalidOperationException("StartAsync first.");

    private static int Size => int.TryParse(Environment.GetEnvironmentVariable("FLOWTHROUGH_FAULT_USERS"), out var n)
        ? Math.Clamp(n, 1, Users.Length)
        : 4;

    public ValueTask InitializeAsync()
    {
        SmtpSink.RequirePython();
        return ValueTask.CompletedTask;
    }

    /// <summary>The portal sending by SMTP to a port nothing listens on yet: every connection is refused, as with the server down.</summary>
    private async Task StartAsync(int maxAttempts) =>
        portal = await PortalFixture.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Email:Mode"] = "Smtp",
            ["Email:Smtp:Host"] = "127.0.0.1",
            ["Email:Smtp:Port"] = port.ToString(CultureInfo.InvariantCulture),
            ["Email:PollInterval"] = "00:00:00.100",
            ["Email:RetryBaseDelay"] = "00:00:00.200",
            ["Email:MaxAttempts"] = maxAttempts.ToString(CultureInfo.InvariantCulture),
        });

    public async ValueTask DisposeAsync()
    {
        if (portal is not null)
        {
            await portal.DisposeAsync();
        }
    }

    [Fact]
    public async Task Activations_answer_while_smtp_is_down_and_every_email_is_sent_once_when_it_is_back()
    {
        // Enough attempts that nothing is given up while the server is down (backoff 0.2 s doubling).
        await StartAsync(maxAttempts: 30);
        var partner = await Portal.TemplateAsync();
        var subscribers = new List<Subscriber>();
        foreach (var (userId, password) in Users.Take(Size))
        {
            var subscriber = await Portal.SendFromBroadWorksAsync(partner, userId);
            var browser = Portal.Browser();
            await PortalFixture.SignInAsync(browser, partner, userId, password);
            await browser.SubmitAsync("form[action*='handler=Email']",
                new Dictionary<string, string> { ["Email"] = $"{userId.Split('@')[0]}@firma.example" });
            browser.Status.Should().Be(HttpStatusCode.OK);
            browser.Text.Should().Contain("We sent a 6-digit code to");
            (await Portal.SubscriberAsync(userId))!.Status.Should().Be(SubscriberStatus.PendingEmailValidation);
            subscribers.Add(subscriber);
        }

        // The relay keeps trying: every message has failed at least twice and none is given up.
        await Eventually.HoldsAsync(async () => (await OutboxAsync()).All(m => m.Attempts >= 2 && m.LastError != null),
            "every message has been tried twice against the closed port");
        (await OutboxAsync()).Should().HaveCount(Size).And.OnlyContain(m => m.Status != OutboxStatus.Abandoned && m.Status != OutboxStatus.Sent);

        // Partner Hub shows it per subscriber: queued, the next try, the attempts and the connection error.
        var hub = await HubAsync(partner);
        await hub.OpenAsync($"/partner/subscribers/{subscribers[0].Id}");
        var delivery = hub.Document.QuerySelector("#mail ~ table td[data-delivery]")!;
        delivery.GetAttribute("data-delivery").Should().BeOneOf(nameof(OutboxStatus.Queued), nameof(OutboxStatus.Sending));
        hub.Document.QuerySelector("#mail ~ table tbody tr")!.TextContent.Should().Contain("firma.example");

        var down = await OutboxAsync();
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"FIGURE smtp down: {Size} activations answered, {down.Sum(m => m.Attempts)} failed attempts, none abandoned");
        await using var sink = await SmtpSink.StartAsync(port);
        await Eventually.HoldsAsync(async () => (await OutboxAsync()).All(m => m.Status == OutboxStatus.Sent),
            "the backlog drains once the mail server is back");

        var received = await sink.MessagesAsync();
        received.Should().HaveCount(Size, "each message is sent once");
        received.Select(m => m.MessageId).Should().OnlyHaveUniqueItems();
        received.Select(m => m.To.Mailboxes.Single().Address).Should()
            .BeEquivalentTo(Users.Take(Size).Select(u => $"{u.UserId.Split('@')[0]}@firma.example"));
        await hub.OpenAsync($"/partner/subscribers/{subscribers[0].Id}");
        hub.Document.QuerySelector("#mail ~ table td[data-delivery]")!.GetAttribute("data-delivery").Should().Be(nameof(OutboxStatus.Sent));
    }

    [Fact]
    public async Task A_message_is_abandoned_only_after_its_last_attempt_and_partner_hub_says_so_in_polish_too()
    {
        await StartAsync(maxAttempts: 3);
        var partner = await Portal.TemplateAsync();
        var subscriber = await Portal.SendFromBroadWorksAsync(partner, PortalFixture.Lukasz);
        var browser = Portal.Browser();
        await PortalFixture.SignInAsync(browser, partner, PortalFixture.Lukasz, PortalFixture.LukaszPassword);
        await browser.SubmitAsync("form[action*='handler=Email']", new Dictionary<string, string> { ["Email"] = "lukasz@firma.example" });
        browser.Status.Should().Be(HttpStatusCode.OK);

        // Watches every state the message passes through until the relay gives it up.
        var maxAttempts = Portal.App.Service<Microsoft.Extensions.Options.IOptions<EmailOptions>>().Value.MaxAttempts;
        var seenAbandonedEarly = false;
        await Eventually.HoldsAsync(async () =>
        {
            var message = (await OutboxAsync()).Single();
            seenAbandonedEarly |= message.Status == OutboxStatus.Abandoned && message.Attempts < maxAttempts;
            return message.Status == OutboxStatus.Abandoned;
        }, "the message is abandoned after its last attempt", TimeSpan.FromMinutes(5));

        seenAbandonedEarly.Should().BeFalse();
        var abandoned = (await OutboxAsync()).Single();
        abandoned.Attempts.Should().Be(maxAttempts);
        abandoned.LastError.Should().NotBeNullOrEmpty();
        abandoned.Html.Should().BeEmpty("an abandoned message keeps no code");

        var hub = await HubAsync(partner, "pl");
        await hub.OpenAsync($"/partner/subscribers/{subscriber.Id}");
        var row = hub.Document.QuerySelector("#mail ~ table tbody tr")!;
        row.QuerySelector("td[data-delivery]")!.TextContent.Should().Contain("Porzucono po ostatniej próbie");
        row.TextContent.Should().Contain(maxAttempts.ToString(CultureInfo.InvariantCulture));
    }

    private async Task<List<OutboxMessage>> OutboxAsync()
    {
        await using var db = Portal.App.CreateDbContext();
        return await db.Outbox.AsNoTracking().OrderBy(m => m.Id).ToListAsync();
    }

    private async Task<PortalBrowser> HubAsync(TestPartner partner, string language = "en")
    {
        var admin = await HubFixture.AddAdminAsync(Portal.App, partner, PartnerAdminRole.ReadOnly);
        var client = Portal.App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = true, HandleCookies = true });
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd(language);
        var browser = new PortalBrowser(client);
        await browser.OpenAsync("/partner/signin");
        await browser.SubmitAsync("form[action='/partner/signin'], main form",
            new Dictionary<string, string> { ["Email"] = admin.Email, ["Password"] = HubFixture.Password });
        return browser;
    }
}
