using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Flowthrough.Tests.Activation;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Flowthrough.Tests.Browser;

/// <summary>
/// The whole activation in a real headless Chromium: the Share Link, a BroadWorks sign-in checked by the simulator's
/// Xsi-Actions, the code read from a real SMTP server, and the engine finishing provisioning on its own.
/// </summary>
public sealed class ActivationJourneyTests
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

        await using var stage = await ActivationStage.StartAsync(cancel);
        var app = stage.App;
        var partner = stage.Partner;

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        await using var context = await ActivationStage.NewDeviceAsync(browser, language, 1024, 768);
        var page = await context.NewPageAsync();
        var screenshots = Chromium.ScreenshotDirectory();

        try
        {
            await page.GotoAsync(stage.ShareLink);
            await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", language);
            await Expect(page.GetByLabel(texts.UserIdLabel, new() { Exact = true })).ToBeVisibleAsync();

            await ActivationStage.SignInAsync(page);
            await ActivationStage.EnterEmailAsync(page, email);
            // The code page shows only once the outbox row is committed, so the mail is on its way from here.
            await Expect(page.Locator("#code")).ToBeVisibleAsync();

            var code = ActivationStage.CodeIn(await stage.MailToAsync(email));
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
}
