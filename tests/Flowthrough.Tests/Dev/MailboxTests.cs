using System.Net;
using AngleSharp.Dom;
using Flowthrough.Tests.Activation;

namespace Flowthrough.Tests.Dev;

public sealed class MailboxTests
{
    [Fact]
    public async Task The_mailbox_lists_picked_up_messages_newest_first_and_shows_their_links()
    {
        await using var portal = await PortalFixture.StartAsync();
        var partner = await portal.TemplateAsync();
        var browser = portal.Browser();
        await PortalFixture.SignInAsync(browser, partner, PortalFixture.Lukasz, PortalFixture.LukaszPassword);
        await browser.SubmitAsync("form[action*='handler=Email']", new Dictionary<string, string> { ["Email"] = "lukasz@firma.example" });
        // The relay runs in the background and is woken by the new message.
        for (var i = 0; i < 100 && !(Directory.Exists(portal.App.MailDirectory)
                 && Directory.EnumerateFiles(portal.App.MailDirectory, "*.eml").Any()); i++)
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        var list = await browser.OpenAsync("/dev/mailbox");

        browser.Status.Should().Be(HttpStatusCode.OK);
        var rows = list.QuerySelectorAll("table.mail tbody tr");
        rows.Should().HaveCount(1);
        rows[0].TextContent.Should().Contain("lukasz@firma.example");
        var message = await browser.OpenAsync(rows[0].QuerySelector("a")!.GetAttribute("href")!);
        message.QuerySelectorAll("ul a").Select(a => a.GetAttribute("href")).Should()
            .Contain(h => h!.Contains("/activate/verify/", StringComparison.Ordinal));
        browser.Text.Should().MatchRegex(@"\d{6}");

        await browser.OpenAsync("/dev/mailbox/..%2Fflowthrough.db");
        browser.Status.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_mailbox_does_not_exist_outside_pickup_mode()
    {
        await using var app = await FlowthroughApplication.CreateAsync(new Dictionary<string, string?>
        {
            ["Email:Mode"] = "Smtp",
            ["Email:Smtp:Host"] = "127.0.0.1",
        });

        var response = await app.CreateClient().GetAsync("/dev/mailbox");

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }
}
