using Flowthrough.Provisioning.Targets.Reconciliation;
using Flowthrough.Tests.PartnerHub;
using Flowthrough.Tests.Provisioning.Targets;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Flowthrough.Tests.Browser;

/// <summary>
/// Reconciliation in a real Chromium: the admin starts a run from the template's page, the page follows it and shows
/// the items by itself once the runner (driven by the test) has finished, the admin filters and re-pushes. Screenshots
/// at 1280 and 390 px in both languages.
/// </summary>
public sealed class ReconciliationJourneyTests
{
    private sealed record Texts(string Link, string RunNow, string Waiting, string Completed, string Missing, string Repush, string Repushed);

    private static readonly Dictionary<string, Texts> Expected = new()
    {
        ["pl"] = new("Uzgadnianie", "Uruchom uzgadnianie teraz", "Oczekuje na uruchomienie", "Zakończono", "Brakujący (2)", "Wyślij ponownie", "Wysłano ponownie"),
        ["en"] = new("Reconciliation", "Run reconciliation now", "Waiting to start", "Completed", "Missing (2)", "Re-push", "Re-pushed"),
    };

    [Theory(Timeout = 240_000)]
    [InlineData("pl")]
    [InlineData("en")]
    public async Task The_admin_runs_reconciliation_follows_it_and_re_pushes_a_missing_user(string language)
    {
        Chromium.Require();
        var t = Expected[language];
        await using var hub = await HubFixture.StartAsync();
        var app = hub.App.StartKestrel();
        var scenario = new ReconciliationScenario(hub, new BuiltInDriftInjection(app));
        await scenario.ProvisionAndDriftAsync();

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        await using var context = await browser.NewContextAsync(Chromium.ContextOptions(language));
        context.SetDefaultTimeout(Chromium.ActionTimeoutMs);
        var page = await context.NewPageAsync();
        string Shot(string name) => $"reconciliation-{language}-{name}";

        try
        {
            await page.GotoAsync($"{app.ServerUrl}/partner");
            await page.FillAsync("#email", hub.Admin.Email);
            await page.FillAsync("#password", HubFixture.Password);
            await page.Locator("main form button[type=submit]").ClickAsync();
            await Expect(page.Locator("nav.main-nav")).ToBeVisibleAsync();
            await page.GotoAsync($"{app.ServerUrl}/partner/templates/{hub.Partner.Template.Id}");
            await page.GetByRole(AriaRole.Link, new() { Name = t.Link, Exact = true }).ClickAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = t.RunNow, Exact = true }).ClickAsync();
            await Expect(page.Locator("#run-state")).ToHaveTextAsync(t.Waiting);
            await PageScreens.CaptureAsync(page, Shot("waiting"));

            // The runner finishes the run: the page notices and shows the items without the admin reloading.
            (await app.Service<ReconciliationRunner>().RunNextAsync(TestContext.Current.CancellationToken)).Should().BeTrue();
            await Expect(page.Locator("#run-state")).ToHaveTextAsync(t.Completed);
            await Expect(page.Locator("#drift tbody tr")).ToHaveCountAsync(5);
            await PageScreens.CaptureAsync(page, Shot("items"));

            await page.GetByRole(AriaRole.Link, new() { Name = t.Missing, Exact = true }).ClickAsync();
            await Expect(page.Locator("#drift tbody tr")).ToHaveCountAsync(2);
            var first = page.Locator("#drift tbody tr").First;
            await first.GetByRole(AriaRole.Button, new() { Name = t.Repush }).ClickAsync();
            await Expect(page.Locator("p.notice[role=status]")).ToBeVisibleAsync();
            await Expect(page.Locator("#drift tbody tr").First.Locator(".resolution")).ToHaveTextAsync(t.Repushed);
            await PageScreens.CaptureAsync(page, Shot("repushed"));
        }
        catch
        {
            await Chromium.FailureScreenshotAsync(page, Path.Combine(Chromium.ScreenshotDirectory(), Shot("failure") + ".png"));
            throw;
        }
    }
}
