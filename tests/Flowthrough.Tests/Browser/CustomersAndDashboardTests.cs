using Flowthrough.Partners;
using Flowthrough.Provisioning;
using Flowthrough.Subscribers;
using Flowthrough.Tests.PartnerHub;
using Flowthrough.Tests.PartnerHub.Users;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Flowthrough.Tests.Browser;

/// <summary>
/// Top bar → Customers and a template's dashboard in a real Chromium: the customer leads to its users, and the
/// dashboard's charts are drawn by the vendored Chart.js from the figures its tables show.
/// </summary>
public sealed class CustomersAndDashboardTests
{
    [Theory(Timeout = 90_000)]
    [InlineData("pl", "Klienci", "Stan użytkownika: Mazowsze Sp. z o.o.", "Dane liczbowe")]
    [InlineData("en", "Customers", "User Status of Mazowsze Sp. z o.o.", "Figures")]
    public async Task A_partner_admin_opens_customers_and_the_dashboard_with_its_charts(string language, string customers,
        string userStatusOf, string figures)
    {
        Chromium.Require();
        await using var app = (await FlowthroughApplication.CreateAsync(
            new Dictionary<string, string?> { ["LoginThrottle:FailureDelay"] = "00:00:00" })).StartKestrel();
        var partner = await app.CreatePartnerAsync();
        var admin = await HubFixture.AddAdminAsync(app, partner, PartnerAdminRole.FullAdmin);
        var now = DateTime.UtcNow;
        var first = UserStatusSeed.Provisioned(partner, "anna", now.AddDays(-2), "Anna", "Mazur");
        CustomerOrganization organization;
        await using (var db = app.CreateDbContext())
        {
            db.Subscribers.AddRange(first, UserStatusSeed.Provisioned(partner, "piotr", now.AddHours(-3), "Piotr", "Lis"),
                UserStatusSeed.Failed(partner, "ewa", now.AddHours(-2), "Ewa", "Zielińska"),
                UserStatusSeed.Failed(partner, "zofia", now.AddHours(-1), "Zofia", "Wójcik", ErrorCatalog.OrganizationMissing),
                UserStatusSeed.Pending(partner, "jan", now.AddHours(-1)));
            organization = new CustomerOrganization
            {
                PartnerId = partner.Partner.Id,
                TemplateId = partner.Template.Id,
                Name = "Mazowsze Sp. z o.o.",
                SpEnterpriseId = "sp+g1",
                FirstUserSubscriberId = first.Id,
                FirstUserProvisioned = true,
                Created = now.AddDays(-2),
            };
            db.Organizations.Add(organization);
            await db.SaveChangesAsync();
        }

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        await using var context = await ActivationStage.NewDeviceAsync(browser, language, 1280, 800);
        context.SetDefaultTimeout(Chromium.ActionTimeoutMs);
        var page = await context.NewPageAsync();
        var screenshots = Chromium.ScreenshotDirectory();
        try
        {
            TestContext.Current.CancellationToken.ThrowIfCancellationRequested();
            await page.GotoAsync($"{app.ServerUrl}/partner");
            await page.FillAsync("#email", admin.Email);
            await page.FillAsync("#password", HubFixture.Password);
            await page.Locator("main form button[type=submit]").ClickAsync();

            await page.Locator("nav.main-nav").GetByRole(AriaRole.Link, new() { Name = customers, Exact = true }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = customers, Exact = true })).ToBeVisibleAsync();
            var link = page.GetByRole(AriaRole.Link, new() { Name = userStatusOf, Exact = true });
            await Expect(link).ToHaveAttributeAsync("href", $"/partner/templates/{partner.Template.Id}/users?customer={organization.Id}");
            await PageScreens.CaptureAsync(page, $"partner-hub-{language}-customers", fitsPhone: false);

            await page.GotoAsync($"{app.ServerUrl}/partner/templates/{partner.Template.Id}/dashboard");
            foreach (var chart in new[] { "funnel-chart", "per-day-chart", "errors-chart" })
            {
                // Chart.js keeps the chart it drew on each canvas: the library loaded from the app and read the figures.
                (await page.EvaluateAsync<int>($"() => window.Chart.getChart('{chart}').data.datasets[0].data.length"))
                    .Should().BeGreaterThan(0, chart);
            }

            (await page.EvaluateAsync<int[]>("() => window.Chart.getChart('errors-chart').data.datasets[0].data"))
                .Should().Equal(1, 1);
            // The per-day figures fold away under their summary once the chart shows them, and open again on demand.
            await Expect(page.Locator("details.figures")).Not.ToHaveAttributeAsync("open", "");
            await page.GetByText(figures, new() { Exact = true }).ClickAsync();
            await Expect(page.Locator("#per-day-table")).ToBeVisibleAsync();
            await PageScreens.CaptureAsync(page, $"partner-hub-{language}-dashboard", fitsPhone: false);
        }
        catch
        {
            await Chromium.FailureScreenshotAsync(page, Path.Combine(screenshots, $"partner-hub-{language}-customers-failure.png"));
            throw;
        }
    }
}
