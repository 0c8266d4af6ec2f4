using Flowthrough.Partners;
using Flowthrough.Tests.PartnerHub;
using Flowthrough.Tests.PartnerHub.Users.BulkJobs;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Flowthrough.Tests.Browser;

/// <summary>
/// A bulk job followed in a real Chromium: confirming Change Package Type on every matching row opens the job's page,
/// whose progress bar and counts move by themselves while the worker (driven by the test) commits chunks, stay the
/// same after a reload, and end in the report without the admin reloading.
/// </summary>
public sealed class BulkJobJourneyTests
{
    private const int Rows = 1500;

    private sealed record Texts(string Confirm, string Waiting, string Running, string Completed, string Done, string Succeeded);

    private static readonly Dictionary<string, Texts> Expected = new()
    {
        ["pl"] = new("Potwierdź", "Oczekuje na uruchomienie", "W toku", "Zakończono", "Wykonano", "Wykonano"),
        ["en"] = new("Confirm", "Waiting to start", "Running", "Completed", "Done", "Succeeded"),
    };

    [Theory(Timeout = 240_000)]
    [InlineData("pl")]
    [InlineData("en")]
    public async Task The_job_page_follows_the_job_keeps_it_on_reload_and_ends_in_the_report(string language)
    {
        Chromium.Require();
        var t = Expected[language];
        await using var app = (await FlowthroughApplication.CreateAsync(
            new Dictionary<string, string?> { ["LoginThrottle:FailureDelay"] = "00:00:00" })).StartKestrel();
        var partner = await app.CreatePartnerAsync();
        var admin = await HubFixture.AddAdminAsync(app, partner, PartnerAdminRole.FullAdmin);
        await BulkJobTestData.SeedPendingAsync(app, partner, Rows);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        await using var context = await browser.NewContextAsync(Chromium.ContextOptions(language));
        context.SetDefaultTimeout(Chromium.ActionTimeoutMs);
        var page = await context.NewPageAsync();
        string Shot(string name) => Path.Combine(Chromium.ScreenshotDirectory(), $"bulk-job-{language}-{name}.png");

        try
        {
            await page.GotoAsync($"{app.ServerUrl}/partner");
            await page.FillAsync("#email", admin.Email);
            await page.FillAsync("#password", HubFixture.Password);
            await page.Locator("main form button[type=submit]").ClickAsync();
            await Expect(page.Locator("nav.main-nav")).ToBeVisibleAsync();
            await page.GotoAsync($"{app.ServerUrl}/partner/templates/{partner.Template.Id}/users/bulk?action=package&package=premium&scope=all");
            await page.GetByRole(AriaRole.Button, new() { Name = t.Confirm, Exact = true }).ClickAsync();

            await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/users/jobs/[0-9a-f-]{36}$"));
            await Expect(page.Locator("#job-status")).ToHaveTextAsync(t.Waiting);
            var bar = page.Locator("progress#job-progress");
            await Expect(bar).ToHaveAttributeAsync("max", Rows.ToString(System.Globalization.CultureInfo.InvariantCulture));

            // The worker commits a chunk: the page shows it without a reload.
            await BulkJobTestData.RunChunksAsync(app, maxChunks: 1);
            await Expect(page.Locator("#job-done")).ToHaveTextAsync($"{t.Done}: 500");
            await Expect(page.Locator("#job-status")).ToHaveTextAsync(t.Running);
            (await bar.EvaluateAsync<double>("b => b.value")).Should().Be(500);
            await Expect(page.Locator("#recent-jobs tbody tr").First.Locator("td").Nth(2)).ToHaveTextAsync(t.Running);
            await Chromium.ScreenshotAsync(page, Shot("running"));

            await page.ReloadAsync();
            await Expect(page.Locator("#job-done")).ToHaveTextAsync($"{t.Done}: 500");
            (await bar.EvaluateAsync<double>("b => b.value")).Should().Be(500);
            await page.SetViewportSizeAsync(390, 844);
            await Chromium.ScreenshotAsync(page, Shot("running-390"));
            await page.SetViewportSizeAsync(1280, 800);

            // User Status lists the running job; its link leads back to the page.
            var jobUrl = page.Url;
            await page.GotoAsync($"{app.ServerUrl}/partner/templates/{partner.Template.Id}/users");
            await Expect(page.Locator("#running-jobs tbody tr")).ToHaveCountAsync(1);
            await Chromium.ScreenshotAsync(page, Shot("user-status"));
            await page.Locator("#running-jobs tbody a").ClickAsync();
            await Expect(page).ToHaveURLAsync(jobUrl);

            TestContext.Current.CancellationToken.ThrowIfCancellationRequested();

            // The rest runs; the page reloads itself once the job has ended and shows the report.
            await BulkJobTestData.DrainAsync(app);
            await Expect(page.Locator("#job-status")).ToHaveTextAsync(t.Completed);
            await Expect(page.Locator("#succeeded")).ToHaveTextAsync($"{t.Succeeded}: {Rows}");
            await Expect(page.Locator("#job-cancel")).ToHaveCountAsync(0);
            await Chromium.ScreenshotAsync(page, Shot("completed"));
        }
        catch
        {
            await Chromium.FailureScreenshotAsync(page, Shot("failure"));
            throw;
        }
    }
}
