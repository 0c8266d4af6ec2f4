using Flowthrough.Partners;
using Flowthrough.Tests.PartnerHub;
using Flowthrough.Tests.PartnerHub.Targets;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Flowthrough.Tests.Browser;

/// <summary>
/// Settings → Provisioning targets in a real Chromium: a SCIM target is added, tested against the SCIM stand-in and
/// chosen by the template, whose page then shows it with its circuit breaker. Screenshots of the list and the form.
/// </summary>
public sealed class TargetsJourneyTests
{
    [Theory(Timeout = 120_000)]
    [InlineData("pl", "Ustawienia", "Cele aprowizacji", "Dodaj cel aprowizacji", "Testuj połączenie", "Połączono: serwer obsługuje SCIM 2.0.", "Zamknięty (wywołania przechodzą)")]
    [InlineData("en", "Settings", "Provisioning targets", "Add a provisioning target", "Test connection", "Connected: the server speaks SCIM 2.0.", "Closed (calls go through)")]
    public async Task A_partner_admin_adds_tests_and_chooses_a_scim_target(string language, string settings, string targets, string add,
        string test, string connected, string closed)
    {
        Chromium.Require();
        await using var scim = await ScimStandIn.StartAsync();
        await using var app = (await FlowthroughApplication.CreateAsync(
            new Dictionary<string, string?> { ["LoginThrottle:FailureDelay"] = "00:00:00" })).StartKestrel();
        var partner = await app.CreatePartnerAsync(t => t.FlowThroughEnabled = false);
        var admin = await HubFixture.AddAdminAsync(app, partner, PartnerAdminRole.FullAdmin);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        await using var context = await ActivationStage.NewDeviceAsync(browser, language, 1280, 800);
        context.SetDefaultTimeout(Chromium.ActionTimeoutMs);
        var page = await context.NewPageAsync();
        try
        {
            TestContext.Current.CancellationToken.ThrowIfCancellationRequested();
            await page.GotoAsync($"{app.ServerUrl}/partner");
            await page.FillAsync("#email", admin.Email);
            await page.FillAsync("#password", HubFixture.Password);
            await page.Locator("main form button[type=submit]").ClickAsync();

            await page.Locator("nav.main-nav").GetByRole(AriaRole.Link, new() { Name = settings, Exact = true }).ClickAsync();
            await page.Locator("main").GetByRole(AriaRole.Link, new() { Name = targets, Exact = true }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = targets, Exact = true })).ToBeVisibleAsync();
            await page.GetByRole(AriaRole.Link, new() { Name = add, Exact = true }).ClickAsync();

            await page.FillAsync("#target-name", "Stand-in SCIM");
            await page.FillAsync("#target-url", scim.CoreOnly);
            await page.FillAsync("#target-secret", ScimStandIn.Token);
            await page.GetByRole(AriaRole.Button, new() { Name = test, Exact = true }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = connected })).ToBeVisibleAsync();
            await Expect(page.Locator("#enterprise-warning")).ToBeVisibleAsync();
            await Expect(page.Locator("#target-secret")).ToHaveValueAsync("");
            await PageScreens.CaptureAsync(page, $"partner-hub-{language}-target-test", fitsPhone: false);

            await page.FillAsync("#target-secret", ScimStandIn.Token);
            // Enter in a field saves, as in any form: Test connection, the first visible button, does not take it.
            await page.Locator("#target-secret").PressAsync("Enter");
            await Expect(page.Locator("p.notice[role=status]")).ToContainTextAsync("Stand-in SCIM");
            await Expect(page.Locator("#secret-state")).ToHaveAttributeAsync("data-saved", "true");
            await PageScreens.CaptureAsync(page, $"partner-hub-{language}-target-edit");

            await page.GotoAsync($"{app.ServerUrl}/partner/templates/{partner.Template.Id}/edit");
            await page.Locator("#target").SelectOptionAsync(new SelectOptionValue { Label = "Stand-in SCIM" });
            await page.Locator("#template-form button[type=submit]").Last.ClickAsync();
            await Expect(page.Locator("#template-target")).ToHaveTextAsync("Stand-in SCIM");
            await Expect(page.Locator("#breaker-state")).ToHaveTextAsync(closed);

            await page.GotoAsync($"{app.ServerUrl}/partner/targets");
            await Expect(page.Locator("#targets tbody tr")).ToHaveCountAsync(2);
            await Expect(page.Locator("#targets tbody tr").Nth(1).Locator(".templates")).ToHaveTextAsync("Template");
            await PageScreens.CaptureAsync(page, $"partner-hub-{language}-targets");
        }
        catch
        {
            await Chromium.FailureScreenshotAsync(page, Path.Combine(Chromium.ScreenshotDirectory(), $"partner-hub-{language}-targets-failure.png"));
            throw;
        }
    }
}
