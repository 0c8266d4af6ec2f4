using System.Text;
using Flowthrough.Activation;
using Flowthrough.Partners;
using Flowthrough.PartnerHub.Users;
using Flowthrough.Subscribers;
using Flowthrough.Templates;
using Flowthrough.Tests.PartnerHub;
using Flowthrough.Tests.PartnerHub.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Flowthrough.Tests.Browser;

/// <summary>
/// A partner admin's way through the Partner Hub in a real headless Chromium, clicking the labels the help pages name
/// (Settings → BroadWorks Calling → View Templates → the template → User Verification → Show User Status), then every
/// row action on the User Status list, the Exclude provisioned users toggle and Export. Workers are off, so each
/// action's effect is read from the database exactly as the action left it.
/// </summary>
public sealed class PartnerHubJourneyTests
{
    private const string TemplateName = "Biuro Łódź";

    private sealed record Texts(
        string SignIn, string Settings, string ViewTemplates, string UserVerification, string UntrustedEmails,
        string ShareLink, string ShowUserStatus, string Title, string RetryEmail, string Onboard, string DeleteUser,
        string Delete, string PackageType, string Change, string CopyErrorText, string Copied, string CopyError,
        string CopyReference, string CopyTime, string ExcludeProvisioned, string Apply, string Export, string InProgress);

    private static readonly Dictionary<string, Texts> Expected = new()
    {
        ["pl"] = new("Zaloguj się", "Ustawienia", "Wyświetl szablony", "Weryfikacja użytkownika",
            "Niezaufane wiadomości e-mail", "Udostępnij łącze", "Pokaż stan użytkownika", "Stan użytkownika",
            "Adres e-mail (traktowany jako zaufany)", "Onboard", "Usuń użytkownika", "Usuń", "Typ pakietu", "Zmień",
            "Kopiuj tekst błędu", "Skopiowano", "Błąd", "Numer referencyjny", "Czas",
            "Wyklucz użytkowników z aprowizacją", "Zastosuj", "Eksportuj", "W toku"),
        ["en"] = new("Sign in", "Settings", "View Templates", "User Verification", "Untrusted Emails", "Share Link",
            "Show User Status", "User Status", "Email address (treated as trusted)", "Onboard", "Delete User", "Delete",
            "Package type", "Change", "Copy Error Text", "Copied", "Error", "Reference", "Time",
            "Exclude provisioned users", "Apply", "Export", "In progress"),
    };

    [Theory(Timeout = 90_000)]
    [InlineData("pl")]
    [InlineData("en")]
    public async Task A_partner_admin_reaches_user_status_through_settings_and_works_every_row_action(string language)
    {
        Chromium.Require();
        var t = Expected[language];

        await using var app = (await FlowthroughApplication.CreateAsync(
            new Dictionary<string, string?> { ["LoginThrottle:FailureDelay"] = "00:00:00" })).StartKestrel();
        var partner = await app.CreatePartnerAsync(template =>
        {
            template.Name = TemplateName;
            template.EmailTrust = EmailTrust.Untrusted;
        });
        var admin = await HubFixture.AddAdminAsync(app, partner, PartnerAdminRole.FullAdmin);

        var now = DateTime.UtcNow;
        var toRetry = UserStatusSeed.Failed(partner, "err-retry", now.AddHours(-6), "Łukasz", "Nowak");
        var toCopy = UserStatusSeed.Failed(partner, "err-copy", now.AddHours(-5), "Zofia", "Wójcik",
            ErrorCatalog.OrganizationMissing);
        var toDelete = UserStatusSeed.Failed(partner, "err-delete", now.AddHours(-4), "Ewa", "Zielińska");
        var pending = UserStatusSeed.Pending(partner, "pend", now.AddHours(-3), "Jan", "Kowalski");
        var toChange = UserStatusSeed.Provisioned(partner, "prov-change", now.AddHours(-2), "Anna", "Mazur");
        var provisioned = UserStatusSeed.Provisioned(partner, "prov-keep", now.AddHours(-1), "Piotr", "Lis");
        await using (var db = app.CreateDbContext())
        {
            db.Subscribers.AddRange(toRetry, toCopy, toDelete, pending, toChange, provisioned);
            await db.SaveChangesAsync();
        }

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            Locale = language,
            ExtraHTTPHeaders = new Dictionary<string, string> { ["Accept-Language"] = language },
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
            Permissions = ["clipboard-read", "clipboard-write"],
            AcceptDownloads = true,
        });
        context.SetDefaultTimeout(10_000);
        var page = await context.NewPageAsync();
        var screenshots = Chromium.ScreenshotDirectory();
        string Shot(string name) => Path.Combine(screenshots, $"partner-hub-{language}-{name}.png");

        try
        {
            // Sign in where an unauthenticated admin is sent, then follow the help text click by click.
            await page.GotoAsync($"{app.ServerUrl}/partner");
            await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", language);
            await page.FillAsync("#email", admin.Email);
            await page.FillAsync("#password", HubFixture.Password);
            await page.GetByRole(AriaRole.Button, new() { Name = t.SignIn, Exact = true }).ClickAsync();

            await page.Locator("nav.main-nav").GetByRole(AriaRole.Link, new() { Name = t.Settings, Exact = true }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = t.Settings, Exact = true })).ToBeVisibleAsync();
            var calling = page.Locator("section", new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = "BroadWorks Calling" }) });
            await calling.GetByRole(AriaRole.Link, new() { Name = t.ViewTemplates, Exact = true }).ClickAsync();
            await page.GetByRole(AriaRole.Link, new() { Name = TemplateName, Exact = true }).ClickAsync();

            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = TemplateName, Exact = true })).ToBeVisibleAsync();
            var verification = page.Locator("section",
                new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = t.UserVerification, Exact = true }) });
            await Expect(verification.GetByLabel(t.UntrustedEmails, new() { Exact = true })).ToBeCheckedAsync();
            await Expect(page.Locator("#untrusted")).ToBeCheckedAsync();
            await Expect(verification.GetByText(t.ShareLink, new() { Exact = true })).ToBeVisibleAsync();
            await Expect(page.Locator("#share-link"))
                .ToHaveTextAsync($"http://flowthrough.test/activate/{partner.Template.ActivationSlug}");
            await Chromium.ScreenshotAsync(page, Shot("template"));

            await verification.GetByRole(AriaRole.Link, new() { Name = t.ShowUserStatus, Exact = true }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = t.Title, Exact = true })).ToBeVisibleAsync();
            page.Url.Should().EndWith($"/partner/templates/{partner.Template.Id}/users");
            (await ShownUserIdsAsync(page)).Should().BeEquivalentTo(
                ["err-retry", "err-copy", "err-delete", "pend", "prov-change", "prov-keep"]);
            await Chromium.ScreenshotAsync(page, Shot("users"));

            // Copy Error Text: the clipboard holds the code, the description, the reference and the time.
            var copyRow = await OpenMenuAsync(page, "err-copy");
            var copy = copyRow.Locator("button.copy-error");
            await Expect(copy).ToHaveTextAsync(t.CopyErrorText);
            await copy.ClickAsync();
            await Expect(copy).ToHaveTextAsync(t.Copied);
            await Chromium.ScreenshotAsync(page, Shot("menu"));
            var clipboard = await page.EvaluateAsync<string>("navigator.clipboard.readText()");
            var code = ErrorCatalog.OrganizationMissing.Code;
            clipboard.Should().StartWith(
                $"{t.CopyError} {code}: {ErrorCatalog.OrganizationMissing.Describe(language)}\n" +
                $"{t.CopyReference}: {SubscriberDisplay.ReferenceOf(toCopy.Id)}\n{t.CopyTime}: ");
            clipboard.Should().MatchRegex(@"\bFT-[0-9A-F]{8}\b");
            await Expect(copy).ToHaveTextAsync(t.CopyErrorText, new() { Timeout = 5_000 });
            await copyRow.Locator("details.menu > summary").ClickAsync();

            // Retry Activation → Onboard with an address the admin vouches for.
            var email = $"lukasz.nowak+{language}@firma.example";
            var retryRow = await OpenMenuAsync(page, "err-retry");
            await retryRow.GetByLabel(t.RetryEmail, new() { Exact = true }).FillAsync(email);
            await retryRow.GetByRole(AriaRole.Button, new() { Name = t.Onboard, Exact = true }).ClickAsync();
            await Expect(page.Locator(".notice")).ToContainTextAsync(email);
            var retried = await LoadAsync(app, toRetry.Id);
            retried.Should().NotBeNull();
            retried!.Status.Should().Be(SubscriberStatus.Provisioning);
            retried.Email.Should().Be(email);
            retried.EmailTrusted.Should().BeTrue();
            retried.ErrorCode.Should().BeNull();
            await Expect(Row(page, "err-retry").Locator("td.status")).ToContainTextAsync(t.InProgress);

            // Change Package Type on a provisioned user: the change goes through Updating.
            var changeRow = await OpenMenuAsync(page, "prov-change");
            await changeRow.GetByLabel(t.PackageType, new() { Exact = true }).SelectOptionAsync("premium");
            await changeRow.GetByRole(AriaRole.Button, new() { Name = t.Change, Exact = true }).ClickAsync();
            await Expect(page.Locator(".notice")).ToContainTextAsync("Premium");
            var changed = await LoadAsync(app, toChange.Id);
            changed!.Package.Should().Be(SubscriberPackage.Premium);
            changed.Status.Should().Be(SubscriberStatus.Updating);
            await Expect(Row(page, "prov-change").Locator("td.package")).ToHaveTextAsync("Premium");
            await Expect(Row(page, "prov-change").Locator("td.status")).ToContainTextAsync(t.InProgress);

            // Delete User, confirmed in the row's menu.
            var deleteRow = await OpenMenuAsync(page, "err-delete");
            await deleteRow.Locator("details.confirm > summary", new() { HasText = t.DeleteUser }).ClickAsync();
            await deleteRow.GetByRole(AriaRole.Button, new() { Name = t.Delete, Exact = true }).ClickAsync();
            await Expect(page.Locator(".notice")).ToContainTextAsync("Ewa Zielińska (err-delete)");
            await Expect(Row(page, "err-delete")).ToHaveCountAsync(0);
            (await LoadAsync(app, toDelete.Id)).Should().BeNull();
            await Chromium.ScreenshotAsync(page, Shot("after-actions"));

            // Exclude provisioned users: the provisioned row goes; the one whose change is being provisioned is in
            // progress, not provisioned, and stays (as the counts above the table class it).
            await page.GetByLabel(t.ExcludeProvisioned, new() { Exact = true }).CheckAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = t.Apply, Exact = true }).ClickAsync();
            await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("[?&]exclude=true"));
            await Expect(Row(page, "prov-keep")).ToHaveCountAsync(0);
            await Expect(page.GetByLabel(t.ExcludeProvisioned, new() { Exact = true })).ToBeCheckedAsync();
            var shown = await ShownUserIdsAsync(page);
            shown.Should().BeEquivalentTo(["err-retry", "err-copy", "pend", "prov-change"]);
            (await page.Locator("#users tbody td.status code.raw-status").AllTextContentsAsync())
                .Should().NotContain("provisioned");
            await Chromium.ScreenshotAsync(page, Shot("excluded"));

            // Export under the same filter: the downloaded file holds exactly the rows shown, in the same order.
            var download = await page.RunAndWaitForDownloadAsync(() =>
                page.GetByRole(AriaRole.Link, new() { Name = t.Export, Exact = true }).ClickAsync());
            download.SuggestedFilename.Should().StartWith("user-status-").And.EndWith(".csv");
            var bytes = await File.ReadAllBytesAsync(await download.PathAsync(), TestContext.Current.CancellationToken);
            bytes.Take(3).Should().Equal(0xEF, 0xBB, 0xBF);
            var records = Rfc4180.Parse(new UTF8Encoding(false).GetString(bytes, 3, bytes.Length - 3));
            records[0].Should().Equal(ExportModel.Header);
            records.Skip(1).Select(r => r[0]).Should().Equal(shown);
            records.Skip(1).Single(r => r[0] == "err-retry")[3].Should().Be(email);
            records.Skip(1).Single(r => r[0] == "prov-change")[4].Should().Be("premium");
        }
        catch
        {
            await Chromium.FailureScreenshotAsync(page, Shot("failure"));
            throw;
        }
    }

    private static ILocator Row(IPage page, string userId) => page.Locator($"#users tbody tr[data-user-id='{userId}']");

    /// <summary>Opens the row's "⋯" menu and returns the row.</summary>
    private static async Task<ILocator> OpenMenuAsync(IPage page, string userId)
    {
        var row = Row(page, userId);
        await row.Locator("details.menu > summary").ClickAsync();
        await Expect(row.Locator("details.menu")).ToHaveAttributeAsync("open", "");
        return row;
    }

    private static async Task<List<string>> ShownUserIdsAsync(IPage page) =>
        [.. (await page.Locator("#users tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.userId)"))];

    private static async Task<Subscriber?> LoadAsync(FlowthroughApplication app, Guid id)
    {
        await using var db = app.CreateDbContext();
        return await db.Subscribers.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id);
    }
}
