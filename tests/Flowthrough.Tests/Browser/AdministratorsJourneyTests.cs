using System.Text.RegularExpressions;
using Flowthrough.Partners;
using Flowthrough.Tests.PartnerHub;
using Microsoft.Playwright;
using MimeKit;
using static Microsoft.Playwright.Assertions;

namespace Flowthrough.Tests.Browser;

/// <summary>
/// Settings → Administrators in a real Chromium, in Polish and English: invite a read-only admin, then, as that admin,
/// open the mailed link, set a password and land signed in. Screenshots at 1280 and 390 px wide.
/// </summary>
public sealed partial class AdministratorsJourneyTests
{
    private sealed record Texts(string SignIn, string Settings, string Administrators, string Email, string ReadOnly,
        string Send, string Sent, string NewPassword, string Repeat, string SetPassword);

    private static readonly Dictionary<string, Texts> Expected = new()
    {
        ["pl"] = new("Zaloguj się", "Ustawienia", "Administratorzy", "Adres e-mail", "Administrator tylko do odczytu",
            "Wyślij zaproszenie", "Wysłano zaproszenie do", "Nowe hasło", "Powtórz hasło", "Ustaw hasło i zaloguj się"),
        ["en"] = new("Sign in", "Settings", "Administrators", "Email address", "Read-only admin", "Send invitation",
            "Invitation sent to", "New password", "Repeat the password", "Set password and sign in"),
    };

    [GeneratedRegex(@"/partner/set-password/[A-Za-z0-9_\-]+")]
    private static partial Regex LinkPath();

    [Theory(Timeout = 120_000)]
    [InlineData("pl")]
    [InlineData("en")]
    public async Task A_full_admin_invites_a_colleague_who_sets_a_password_from_the_mail(string language)
    {
        Chromium.Require();
        var t = Expected[language];
        await using var app = (await FlowthroughApplication.CreateAsync(
            new Dictionary<string, string?> { ["LoginThrottle:FailureDelay"] = "00:00:00" })).StartKestrel();
        var partner = await app.CreatePartnerAsync();
        var admin = await HubFixture.AddAdminAsync(app, partner, PartnerAdminRole.FullAdmin);
        var invitee = $"kolega-{language}@partner.example";

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var screenshots = Chromium.ScreenshotDirectory();
        string Shot(string name) => Path.Combine(screenshots, $"administrators-{language}-{name}.png");
        async Task<IPage> PageAsync()
        {
            var context = await browser.NewContextAsync(Chromium.ContextOptions(language));
            context.SetDefaultTimeout(Chromium.ActionTimeoutMs);
            return await context.NewPageAsync();
        }

        async Task ShootBothWidthsAsync(IPage page, string name)
        {
            await Chromium.ScreenshotAsync(page, Shot($"{name}-1280"));
            await page.SetViewportSizeAsync(390, 844);
            await Chromium.ScreenshotAsync(page, Shot($"{name}-390"));
            await page.SetViewportSizeAsync(1280, 800);
        }

        var page = await PageAsync();
        await page.GotoAsync($"{app.ServerUrl}/partner");
        await page.FillAsync("#email", admin.Email);
        await page.FillAsync("#password", HubFixture.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = t.SignIn, Exact = true }).ClickAsync();
        await page.Locator("nav.main-nav").GetByRole(AriaRole.Link, new() { Name = t.Settings, Exact = true }).ClickAsync();
        var section = page.Locator("section", new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = t.Administrators }) });
        await section.GetByRole(AriaRole.Link, new() { Name = t.Administrators, Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = t.Administrators, Exact = true })).ToBeVisibleAsync();

        await page.GetByLabel(t.Email, new() { Exact = true }).FillAsync(invitee);
        await page.GetByLabel(t.ReadOnly, new() { Exact = true }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = t.Send, Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync($"{t.Sent} {invitee}.");
        await ShootBothWidthsAsync(page, "list");

        string? path = null;
        await Eventually.HoldsAsync(async () =>
        {
            foreach (var file in Directory.Exists(app.MailDirectory) ? Directory.GetFiles(app.MailDirectory, "*.eml") : [])
            {
                var mail = await MimeMessage.LoadAsync(file, TestContext.Current.CancellationToken);
                if (mail.To.Mailboxes.Any(m => m.Address == invitee))
                {
                    path = LinkPath().Match(mail.TextBody ?? "").Value;
                }
            }

            return !string.IsNullOrEmpty(path);
        }, "the invitation is picked up");

        var colleague = await PageAsync();
        await colleague.GotoAsync($"{app.ServerUrl}{path}");
        await colleague.GetByLabel(t.NewPassword, new() { Exact = true }).FillAsync("Colleague-Password-42");
        await colleague.GetByLabel(t.Repeat, new() { Exact = true }).FillAsync("Colleague-Password-42");
        await ShootBothWidthsAsync(colleague, "set-password");
        await colleague.GetByRole(AriaRole.Button, new() { Name = t.SetPassword, Exact = true }).ClickAsync();
        await Expect(colleague.GetByRole(AriaRole.Heading, new() { Name = t.Settings, Exact = true })).ToBeVisibleAsync();
        await Expect(colleague.Locator(".who")).ToContainTextAsync(invitee);

        await page.ReloadAsync();
        await page.Locator($"a.remove-link").Last.ClickAsync();
        await ShootBothWidthsAsync(page, "remove");
    }
}
