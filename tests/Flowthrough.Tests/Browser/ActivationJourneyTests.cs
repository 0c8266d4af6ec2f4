using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Flowthrough.Tests.Activation;
using Flowthrough.Tests.Email;
using Flowthrough.Tests.Simulator;
using Microsoft.Playwright;
using MimeKit;
using static Microsoft.Playwright.Assertions;

namespace Flowthrough.Tests.Browser;

/// <summary>
/// The whole activation in a real headless Chromium: the Share Link, a BroadWorks sign-in checked by the simulator's
/// Xsi-Actions, the code read from a real SMTP server, and the engine finishing provisioning on its own.
/// </summary>
public sealed partial class ActivationJourneyTests
{
    private sealed record Texts(string UserIdLabel, string DoneTitle);

    private static readonly Dictionary<string, Texts> Expected = new()
    {
        ["pl"] = new("Identyfikator użytkownika BroadWorks", "Twoje konto jest gotowe"),
        ["en"] = new("BroadWorks user ID", "Your account is ready"),
    };

    [Theory(Timeout = 90_000)]
    [InlineData("pl")]
    [InlineData("en")]
    public async Task A_subscriber_activates_in_the_browser_with_the_code_from_a_real_email(string language)
    {
        Chromium.Require();
        var cancel = TestContext.Current.CancellationToken;
        var texts = Expected[language];
        var email = $"lukasz+{language}@firma.example";

        await using var sink = await SmtpSink.StartAsync();
        await using var app = (await FlowthroughApplication.CreateAsync(new Dictionary<string, string?>
        {
            ["Email:Mode"] = "Smtp",
            ["Email:Smtp:Host"] = "127.0.0.1",
            ["Email:Smtp:Port"] = sink.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Email:Smtp:Security"] = "None",
            ["Email:PollInterval"] = "00:00:00.200",
            ["Engine:Workers"] = "1",
        })).StartKestrel();
        // The simulator's seed wires Łukasz's group to the provisioning ID demo-untrusted with the demo account.
        await using var simulator = await SimulatorHost.StartAsync(app.ServerUrl);
        var xsiUrl = new Uri(simulator.Client.BaseAddress!, "/com.broadsoft.xsi-actions").ToString();
        var partner = await app.CreatePartnerAsync(t =>
        {
            t.EmailTrust = Templates.EmailTrust.Untrusted;
            t.FlowThroughEnabled = true;
            t.ProvisioningId = "demo-untrusted";
            t.ProvisioningAccountName = "bwprov";
            t.ProvisioningPasswordHash = new Microsoft.AspNetCore.Identity.PasswordHasher<Templates.OnboardingTemplate>()
                .HashPassword(t, "Demo-Prov-2026!");
        }, xsiUrl);
        // The service provider switches on Integrated IM&P: BroadWorks calls the bridge, and only then may Łukasz activate.
        (await simulator.Client.PostAsJsonAsync($"/api/subscribers/{PortalFixture.Lukasz}/imp", new { active = true }, cancel))
            .EnsureSuccessStatusCode();

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            Locale = language,
            ExtraHTTPHeaders = new Dictionary<string, string> { ["Accept-Language"] = language },
            ViewportSize = new ViewportSize { Width = 1024, Height = 768 },
        });
        var page = await context.NewPageAsync();
        var screenshots = Chromium.ScreenshotDirectory();

        try
        {
            await page.GotoAsync($"{app.ServerUrl}/activate/{partner.Template.ActivationSlug}");
            await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", language);
            await Expect(page.GetByLabel(texts.UserIdLabel, new() { Exact = true })).ToBeVisibleAsync();

            await page.FillAsync("#userId", PortalFixture.Lukasz);
            await page.FillAsync("#password", PortalFixture.LukaszPassword);
            await page.ClickAsync("form:has(#password) button[type=submit]");

            await page.FillAsync("#email", email);
            await page.ClickAsync("form:has(#email) button[type=submit]");
            // The code page shows only once the outbox row is committed, so the mail is on its way from here.
            await Expect(page.Locator("#code")).ToBeVisibleAsync();

            var code = await CodeFromMailAsync(sink, email, cancel);
            await page.FillAsync("#code", code);
            await page.ClickAsync("form:has(#code) button[type=submit]");

            // The engine may finish before or after the progress page renders; either way the heading appears.
            await Expect(page.Locator("h1.success")).ToHaveTextAsync(texts.DoneTitle, new() { Timeout = 15_000 });
            await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", language);
            await Expect(page.Locator("ul.downloads li").First).ToBeVisibleAsync();

            await Chromium.ScreenshotAsync(page, Path.Combine(screenshots, $"activation-{language}.png"));
        }
        catch
        {
            await Chromium.FailureScreenshotAsync(page, Path.Combine(screenshots, $"activation-{language}-failure.png"));
            throw;
        }

        var subscriber = await SubscriberFromApiAsync(app, partner.Token, PortalFixture.Lukasz, cancel);
        ((string?)subscriber["status"]).Should().Be("provisioned");
        ((string?)subscriber["email"]).Should().Be(email);
        ((string?)subscriber["personId"]).Should().NotBeNullOrEmpty("a provisioned subscriber has an identity");
    }

    private static async Task<string> CodeFromMailAsync(SmtpSink sink, string address, CancellationToken cancel)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var message = (await sink.MessagesAsync())
                .LastOrDefault(m => m.To.Mailboxes.Any(a => string.Equals(a.Address, address, StringComparison.OrdinalIgnoreCase)));
            if (message is not null)
            {
                var match = CodePattern().Match(message.TextBody ?? "");
                match.Success.Should().BeTrue($"the verification email carries a 6-digit code:\n{message.TextBody}");
                return match.Value;
            }

            if (waited.Elapsed > TimeSpan.FromSeconds(10))
            {
                throw new TimeoutException($"No email to {address} reached the SMTP sink within 10 s.");
            }

            // The relay wakes on its own poll interval; checking the Maildir a little more often costs nothing.
            await Task.Delay(100, cancel);
        }
    }

    private static async Task<JsonObject> SubscriberFromApiAsync(FlowthroughApplication app, string token, string userId,
        CancellationToken cancel)
    {
        using var client = new HttpClient { BaseAddress = new Uri(app.ServerUrl) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await client.GetAsync(new Uri($"/v1/broadworks/subscribers?userId={Uri.EscapeDataString(userId)}", UriKind.Relative), cancel);
        response.EnsureSuccessStatusCode();
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancel))!;
        return body["items"]!.AsArray().Should().ContainSingle().Subject!.AsObject();
    }

    [GeneratedRegex(@"\b\d{6}\b")]
    private static partial Regex CodePattern();
}
