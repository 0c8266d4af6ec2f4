using System.Net;
using AngleSharp.Dom;
using Flowthrough.Dev;
using Flowthrough.Tests.Activation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Flowthrough.Tests.Dev;

public sealed class MailboxTests
{
    [Fact]
    public async Task The_mailbox_lists_picked_up_messages_newest_first_and_shows_their_links()
    {
        await using var portal = await PortalFixture.StartAsync(settings: new Dictionary<string, string?> { ["Dev:Mailbox"] = "true" });
        var partner = await portal.TemplateAsync();
        var browser = portal.Browser();
        await portal.SendFromBroadWorksAsync(partner, PortalFixture.Lukasz);
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

    [Theory]
    [InlineData(null)]
    [InlineData("false")]
    public async Task The_mailbox_does_not_exist_in_pickup_mode_unless_switched_on(string? mailbox)
    {
        // Pickup is the test host's mode; null leaves Dev:Mailbox unset, as appsettings.json does.
        await using var app = await FlowthroughApplication.CreateAsync(
            mailbox is null ? null : new Dictionary<string, string?> { ["Dev:Mailbox"] = mailbox });
        // A picked-up verification message, as the relay writes it.
        Directory.CreateDirectory(app.MailDirectory);
        const string Name = "20260302T090000000Z-secret.eml";
        await File.WriteAllTextAsync(Path.Combine(app.MailDirectory, Name),
            "To: anna@example.com\r\nSubject: Code\r\n\r\nYour code is 123456\r\n", TestContext.Current.CancellationToken);
        var client = app.CreateClient();

        foreach (var path in new[] { "/dev/mailbox", $"/dev/mailbox/{Name}", $"/dev/mailbox?file={Name}" })
        {
            var response = await client.GetAsync(path, TestContext.Current.CancellationToken);
            response.StatusCode.Should().Be(HttpStatusCode.NotFound, path);
            (await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).Should().NotContain("123456", path);
        }

        (await client.PostAsync("/dev/mailbox", null, TestContext.Current.CancellationToken)).StatusCode
            .Should().Be(HttpStatusCode.NotFound, "no handler answers either");
    }

    [Fact]
    public async Task Switched_on_the_mailbox_logs_a_warning_at_start()
    {
        var logs = new RecordingLoggerProvider();
        await using var app = await FlowthroughApplication.CreateAsync(new Dictionary<string, string?> { ["Dev:Mailbox"] = "true" },
            configureServices: services => services.AddSingleton<ILoggerProvider>(logs));

        (await app.CreateClient().GetAsync("/dev/mailbox", TestContext.Current.CancellationToken)).StatusCode
            .Should().Be(HttpStatusCode.OK);
        logs.Entries.Should().Contain(e => e.Level == LogLevel.Warning
            && e.Message.Contains("Dev:Mailbox=true", StringComparison.Ordinal)
            && e.Message.Contains("Never switch it on in production", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Switching_the_mailbox_on_outside_pickup_mode_stops_the_start()
    {
        await using var app = await FlowthroughApplication.CreateAsync(new Dictionary<string, string?>
        {
            ["Dev:Mailbox"] = "true",
            ["Email:Mode"] = "Smtp",
            ["Email:Smtp:Host"] = "127.0.0.1",
        });

        var start = () => app.CreateClient();

        start.Should().Throw<OptionsValidationException>().Which.Message.Should()
            .Contain("Dev:Mailbox").And.Contain("Email:Mode").And.Contain("Smtp");
    }

    [Fact]
    public void The_mailbox_is_off_by_default() => new DevOptions().Mailbox.Should().BeFalse();

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
