using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Flowthrough.Activation;
using Flowthrough.Data;
using Flowthrough.Partners;
using Flowthrough.PartnerHub.Users;
using Flowthrough.Subscribers;
using Flowthrough.Templates;
using Flowthrough.Tests.PartnerHub;
using Flowthrough.Tests.PartnerHub.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Flowthrough.Tests.Browser;

/// <summary>
/// A partner admin's way through the Partner Hub in a real headless Chromium, step by step as the help page says:
/// Settings → BroadWorks Calling → View Templates → the template → User Verification → Show User Status; then on the
/// list, the "⋯" menu of a row (a button), Copy Error Text, Retry Activation in its pop-up, Change Package Type,
/// Delete User, the Exclude provisioned users switch and Export. Engine workers run, so a retried row is seen moving
/// to In progress and then Provisioned on the page by itself; their claim waits at a gate until the test has seen
/// In progress. A second journey does the row menu and the Retry pop-up with the keyboard alone.
/// </summary>
public sealed class PartnerHubJourneyTests
{
    private const string TemplateName = "Biuro Łódź";

    private sealed record Texts(
        string SignIn, string Settings, string ViewTemplates, string UserVerification, string UntrustedEmails,
        string ShareLink, string ShowUserStatus, string Title, string Menu, string RetryActivation, string RetryEmail,
        string Onboard, string DeleteUser, string Delete, string ChangePackage, string Change, string CopyErrorText,
        string Details, string Copied, string CopyError, string CopyReference, string CopyTime, string ExcludeProvisioned,
        string Apply, string Export, string InProgress, string Provisioned);

    private static readonly Dictionary<string, Texts> Expected = new()
    {
        ["pl"] = new("Zaloguj się", "Ustawienia", "Wyświetl szablony", "Weryfikacja użytkownika",
            "Niezaufane wiadomości e-mail", "Udostępnij łącze", "Pokaż stan użytkownika", "Stan użytkownika",
            "Akcje dla: {0}", "Ponów próbę aktywacji", "Adres e-mail (traktowany jako zaufany)", "Onboard",
            "Usuń użytkownika", "Usuń", "Zmień typ pakietu", "Zmień", "Kopiuj tekst błędu", "Szczegóły", "Skopiowano",
            "Błąd", "Numer referencyjny", "Czas", "Wyklucz użytkowników z aprowizacją", "Zastosuj", "Eksportuj", "W toku",
            "Aprowizowany"),
        ["en"] = new("Sign in", "Settings", "View Templates", "User Verification", "Untrusted Emails", "Share Link",
            "Show User Status", "User Status", "Actions for {0}", "Retry Activation", "Email address (treated as trusted)",
            "Onboard", "Delete User", "Delete", "Change Package Type", "Change", "Copy Error Text", "Details", "Copied",
            "Error", "Reference", "Time", "Exclude provisioned users", "Apply", "Export", "In progress", "Provisioned"),
    };

    [Theory(Timeout = 120_000)]
    [InlineData("pl")]
    [InlineData("en")]
    public async Task A_partner_admin_follows_the_help_page_through_user_status_and_every_row_action(string language)
    {
        Chromium.Require();
        var t = Expected[language];
        var gate = new ClaimGate();

        await using var app = (await FlowthroughApplication.CreateAsync(
            new Dictionary<string, string?>
            {
                ["LoginThrottle:FailureDelay"] = "00:00:00",
                ["Engine:Workers"] = "1",
                ["Engine:PollInterval"] = "00:00:00.200",
            },
            configureServices: services => services.AddSingleton<IInterceptor>(gate))).StartKestrel();
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
        var provisioned = UserStatusSeed.Provisioned(partner,
            "a.very.long.broadworks.user.id.that.keeps.going+mokotow-office-2026@warszawa.sp.example", now.AddHours(-1),
            "Piotr", "Lis");
        await using (var db = app.CreateDbContext())
        {
            db.Subscribers.AddRange(toRetry, toCopy, toDelete, pending, toChange, provisioned);
            await db.SaveChangesAsync();
        }

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        await using var context = await NewContextAsync(browser, language);
        var page = await context.NewPageAsync();
        string Shot(string name) => Path.Combine(Chromium.ScreenshotDirectory(), $"partner-hub-{language}-{name}.png");

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
            await Expect(verification.GetByText(t.ShareLink, new() { Exact = true })).ToBeVisibleAsync();
            await Chromium.ScreenshotAsync(page, Shot("template"));

            await verification.GetByRole(AriaRole.Link, new() { Name = t.ShowUserStatus, Exact = true }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = t.Title, Exact = true })).ToBeVisibleAsync();
            page.Url.Should().EndWith($"/partner/templates/{partner.Template.Id}/users");
            (await ShownUserIdsAsync(page)).Should().HaveCount(6);
            // A reload would drop this marker: the rest of the journey happens on this one page load.
            await page.EvaluateAsync("window.sameLoad = true");

            // Fits the window: no horizontal scrolling, and every row's "⋯" is inside the viewport, at 1280 and 1024.
            await AssertEveryMenuButtonFitsAsync(page, 1280);
            await Chromium.ScreenshotAsync(page, Shot("users"));
            await page.SetViewportSizeAsync(1024, 800);
            await AssertEveryMenuButtonFitsAsync(page, 1024);
            await Chromium.ScreenshotAsync(page, Shot("users-1024"));
            // On a phone each user is a card: the view itself (the shared header aside) still fits the width.
            await page.SetViewportSizeAsync(390, 844);
            (await page.EvaluateAsync<bool>(
                    "(() => { const v = document.getElementById('user-status'); return v.scrollWidth <= v.clientWidth && v.getBoundingClientRect().right <= 390; })()"))
                .Should().BeTrue("the User Status view fits 390 px");
            foreach (var button in await page.Locator("#users tbody tr[data-user-id] .menu-button").AllAsync())
            {
                var phoneBox = (await button.BoundingBoxAsync())!;
                (phoneBox.X + phoneBox.Width).Should().BeLessThanOrEqualTo(390);
            }
            await Chromium.ScreenshotAsync(page, Shot("users-390"));
            await page.SetViewportSizeAsync(1280, 800);

            // A row in Error: "⋯" is a button; its menu opens over the page with the four items and Details.
            var copyRow = Row(page, "err-copy");
            var menu = await OpenMenuAsync(page, t, "err-copy", "Zofia Wójcik (err-copy)");
            (await menu.GetByRole(AriaRole.Menuitem).AllInnerTextsAsync()).Select(i => i.Trim()).Should()
                .Equal(t.RetryActivation, t.DeleteUser, t.ChangePackage, t.CopyErrorText, t.Details);
            var box = (await menu.BoundingBoxAsync())!;
            (box.X >= 0 && box.Y >= 0 && box.X + box.Width <= 1280 && box.Y + box.Height <= 800).Should()
                .BeTrue("the whole menu is in the window, not cut by the table");
            await Chromium.ScreenshotAsync(page, Shot("menu"));

            // Copy Error Text: the clipboard holds the row's error code, description, reference and time.
            await menu.GetByRole(AriaRole.Menuitem, new() { Name = t.CopyErrorText, Exact = true }).ClickAsync();
            await Expect(page.Locator("#live-notice")).ToHaveTextAsync(t.Copied);
            await Expect(menu).ToBeHiddenAsync();
            await Expect(copyRow.GetByRole(AriaRole.Button, new() { Name = string.Format(CultureInfo.InvariantCulture, t.Menu, "Zofia Wójcik (err-copy)") }))
                .ToBeFocusedAsync();
            var clipboard = await page.EvaluateAsync<string>("navigator.clipboard.readText()");
            var code = ErrorCatalog.OrganizationMissing.Code;
            clipboard.Should().StartWith(
                $"{t.CopyError} {code}: {ErrorCatalog.OrganizationMissing.Describe(language)}\n" +
                $"{t.CopyReference}: {SubscriberDisplay.ReferenceOf(toCopy.Id)}\n{t.CopyTime}: ");
            clipboard.Should().Be(await page.Locator($"#menu-{toCopy.Id} [data-action=error]").GetAttributeAsync("data-error-text"));

            // Retry Activation → pop-up → email → Onboard: the row moves to In progress, then to Provisioned by itself.
            var email = $"lukasz.nowak+{language}@firma.example";
            menu = await OpenMenuAsync(page, t, "err-retry", "Łukasz Nowak (err-retry)");
            await menu.GetByRole(AriaRole.Menuitem, new() { Name = t.RetryActivation, Exact = true }).ClickAsync();
            var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = t.RetryActivation, Exact = true });
            await Expect(dialog).ToBeVisibleAsync();
            await Expect(dialog.GetByLabel(t.RetryEmail, new() { Exact = true })).ToBeFocusedAsync();
            await dialog.GetByLabel(t.RetryEmail, new() { Exact = true }).FillAsync(email);
            await Chromium.ScreenshotAsync(page, Shot("retry-dialog"));
            await dialog.GetByRole(AriaRole.Button, new() { Name = t.Onboard, Exact = true }).ClickAsync();
            await Expect(dialog).ToBeHiddenAsync();
            await Expect(page.Locator(".notice")).ToContainTextAsync(email);
            await Expect(Row(page, "err-retry").Locator("td.status")).ToContainTextAsync(t.InProgress);
            var retried = await LoadAsync(app, toRetry.Id);
            retried!.Email.Should().Be(email);
            retried.EmailTrusted.Should().BeTrue();
            await Chromium.ScreenshotAsync(page, Shot("retry-in-progress"));

            // The page follows the row by itself, keeping what the admin has on screen: a checked row, the scroll
            // position, and an open menu (the counts change under it; the rows wait until it closes).
            await Row(page, "pend").GetByRole(AriaRole.Checkbox).CheckAsync();
            // Scrolled at once: a mouse wheel's scroll lands asynchronously and, on a loaded machine, after the read below.
            await page.EvaluateAsync("window.scrollBy({ top: 150, behavior: 'instant' })");
            await Expect(page.Locator("#count-progress strong")).ToHaveTextAsync("1");
            var scrolled = await page.EvaluateAsync<double>("window.scrollY");
            scrolled.Should().BePositive();
            menu = await OpenMenuAsync(page, t, "err-copy", "Zofia Wójcik (err-copy)");
            gate.Open();
            await Expect(page.Locator("#count-progress strong")).ToHaveTextAsync("0", new() { Timeout = 20_000 });
            await Expect(menu).ToBeVisibleAsync();
            await page.Keyboard.PressAsync("Escape");
            await Expect(Row(page, "err-retry").Locator("td.status")).ToContainTextAsync(t.Provisioned, new() { Timeout = 20_000 });
            await Expect(Row(page, "pend").GetByRole(AriaRole.Checkbox)).ToBeCheckedAsync();
            (await page.EvaluateAsync<double>("window.scrollY")).Should().Be(scrolled);
            (await LoadAsync(app, toRetry.Id))!.Status.Should().Be(SubscriberStatus.Provisioned);
            await Chromium.ScreenshotAsync(page, Shot("retry-provisioned"));

            // Change Package Type on a provisioned user: the pop-up lists the packages; the change goes through
            // Updating and back to Provisioned.
            menu = await OpenMenuAsync(page, t, "prov-change", "Anna Mazur (prov-change)");
            await menu.GetByRole(AriaRole.Menuitem, new() { Name = t.ChangePackage, Exact = true }).ClickAsync();
            dialog = page.GetByRole(AriaRole.Dialog, new() { Name = t.ChangePackage, Exact = true });
            await Expect(dialog.GetByRole(AriaRole.Radio)).ToHaveCountAsync(4);
            await dialog.GetByRole(AriaRole.Radio, new() { Name = "Premium", Exact = true }).CheckAsync();
            await Chromium.ScreenshotAsync(page, Shot("package-dialog"));
            await dialog.GetByRole(AriaRole.Button, new() { Name = t.Change, Exact = true }).ClickAsync();
            await Expect(dialog).ToBeHiddenAsync();
            await Expect(page.Locator(".notice")).ToContainTextAsync("Premium");
            await Expect(Row(page, "prov-change").Locator("td.package")).ToHaveTextAsync("Premium");
            await Expect(Row(page, "prov-change").Locator("td.status")).ToContainTextAsync(t.Provisioned, new() { Timeout = 20_000 });
            (await LoadAsync(app, toChange.Id))!.Package.Should().Be(SubscriberPackage.Premium);

            // Delete User, after a confirmation pop-up.
            menu = await OpenMenuAsync(page, t, "err-delete", "Ewa Zielińska (err-delete)");
            await menu.GetByRole(AriaRole.Menuitem, new() { Name = t.DeleteUser, Exact = true }).ClickAsync();
            dialog = page.GetByRole(AriaRole.Dialog, new() { Name = t.DeleteUser, Exact = true });
            await Expect(dialog).ToContainTextAsync("Ewa Zielińska (err-delete)");
            await Chromium.ScreenshotAsync(page, Shot("delete-dialog"));
            await dialog.GetByRole(AriaRole.Button, new() { Name = t.Delete, Exact = true }).ClickAsync();
            await Expect(page.Locator(".notice")).ToContainTextAsync("Ewa Zielińska (err-delete)");
            await Expect(Row(page, "err-delete")).ToHaveCountAsync(0);
            (await LoadAsync(app, toDelete.Id)).Should().BeNull();

            // Exclude provisioned users is a switch that applies at once (no Apply button), and the URL keeps it.
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = t.Apply, Exact = true })).ToHaveCountAsync(0);
            var exclude = page.GetByRole(AriaRole.Switch, new() { Name = t.ExcludeProvisioned, Exact = true });
            await exclude.CheckAsync();
            await Expect(page).ToHaveURLAsync(new Regex("[?&]exclude=true"));
            await Expect(page.Locator("#users tbody tr[data-user-id]")).ToHaveCountAsync(2);
            var shown = await ShownUserIdsAsync(page);
            shown.Should().BeEquivalentTo(["err-copy", "pend"]);
            await Expect(exclude).ToBeCheckedAsync();
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
            records.Skip(1).Single(r => r[0] == "err-copy")[6].Should().Be(code.ToString(CultureInfo.InvariantCulture));

            (await page.EvaluateAsync<bool>("window.sameLoad === true")).Should().BeTrue("nothing reloaded the page");
        }
        catch
        {
            await Chromium.FailureScreenshotAsync(page, Shot("failure"));
            throw;
        }
    }

    [Fact(Timeout = 90_000)]
    public async Task The_row_menu_and_the_retry_pop_up_work_with_the_keyboard_alone()
    {
        Chromium.Require();
        var t = Expected["en"];
        await using var app = (await FlowthroughApplication.CreateAsync(
            new Dictionary<string, string?> { ["LoginThrottle:FailureDelay"] = "00:00:00" })).StartKestrel();
        var partner = await app.CreatePartnerAsync(template => template.Name = TemplateName);
        var admin = await HubFixture.AddAdminAsync(app, partner, PartnerAdminRole.FullAdmin);
        var now = DateTime.UtcNow;
        var failed = UserStatusSeed.Failed(partner, "err-keys", now.AddHours(-2), "Ola", "Klawiszowa");
        await using (var db = app.CreateDbContext())
        {
            db.Subscribers.AddRange(failed, UserStatusSeed.Provisioned(partner, "prov-keys", now.AddHours(-1), "Jan", "Lis"));
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        await using var context = await NewContextAsync(browser, "en");
        var page = await context.NewPageAsync();
        string Shot(string name) => Path.Combine(Chromium.ScreenshotDirectory(), $"partner-hub-keyboard-{name}.png");
        try
        {
            await page.GotoAsync($"{app.ServerUrl}/partner/templates/{partner.Template.Id}/users");
            await TabToAsync(page, page.Locator("#email"));
            await page.Keyboard.TypeAsync(admin.Email);
            await TabToAsync(page, page.Locator("#password"));
            await page.Keyboard.TypeAsync(HubFixture.Password);
            await page.Keyboard.PressAsync("Enter");
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = t.Title, Exact = true })).ToBeVisibleAsync();

            // Tab to the row's "⋯" button.
            var button = Row(page, "err-keys").GetByRole(AriaRole.Button,
                new() { Name = string.Format(CultureInfo.InvariantCulture, t.Menu, "Ola Klawiszowa (err-keys)"), Exact = true });
            await TabToAsync(page, button);

            // Enter opens the menu on its first item; arrows, Home and End move; Escape closes and focus returns.
            await page.Keyboard.PressAsync("Enter");
            await Expect(button).ToHaveAttributeAsync("aria-expanded", "true");
            var menu = page.GetByRole(AriaRole.Menu);
            Task Focused(string name) =>
                Expect(menu.GetByRole(AriaRole.Menuitem, new() { Name = name, Exact = true })).ToBeFocusedAsync();
            await Focused(t.RetryActivation);
            foreach (var (key, then) in new[]
                     {
                         ("ArrowDown", t.DeleteUser), ("ArrowDown", t.ChangePackage), ("ArrowUp", t.DeleteUser),
                         ("End", t.Details), ("ArrowDown", t.RetryActivation), ("ArrowUp", t.Details),
                         ("Home", t.RetryActivation),
                     })
            {
                await page.Keyboard.PressAsync(key);
                await Focused(then);
            }

            await Chromium.ScreenshotAsync(page, Shot("menu"));
            await page.Keyboard.PressAsync("Escape");
            await Expect(menu).ToBeHiddenAsync();
            await Expect(button).ToBeFocusedAsync();
            await Expect(button).ToHaveAttributeAsync("aria-expanded", "false");

            // ArrowDown opens it too; Enter on Retry Activation opens the pop-up with the email field focused.
            await page.Keyboard.PressAsync("ArrowDown");
            await Focused(t.RetryActivation);
            await page.Keyboard.PressAsync("Enter");
            var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = t.RetryActivation, Exact = true });
            var field = dialog.GetByLabel(t.RetryEmail, new() { Exact = true });
            await Expect(field).ToBeFocusedAsync();

            // Focus stays in the pop-up, forwards and backwards.
            for (var i = 0; i < 6; i++)
            {
                await page.Keyboard.PressAsync(i < 4 ? "Tab" : "Shift+Tab");
                (await page.EvaluateAsync<bool>("document.getElementById('action-dialog').contains(document.activeElement)"))
                    .Should().BeTrue($"focus is trapped in the pop-up after key {i}");
            }

            await TabToAsync(page, field);

            // The browser refuses an invalid address before anything is sent; a valid one is onboarded.
            await page.Keyboard.PressAsync("Control+A");
            await page.Keyboard.TypeAsync("not an email");
            await page.Keyboard.PressAsync("Enter");
            await Expect(dialog).ToBeVisibleAsync();
            (await field.EvaluateAsync<bool>("e => e.validity.valid")).Should().BeFalse();
            await Expect(field).ToBeFocusedAsync();
            await page.Keyboard.PressAsync("Control+A");
            await page.Keyboard.TypeAsync("ola@firma.example");
            await Chromium.ScreenshotAsync(page, Shot("dialog"));
            await page.Keyboard.PressAsync("Enter");
            await Expect(dialog).ToBeHiddenAsync();
            await Expect(page.Locator(".notice")).ToContainTextAsync("ola@firma.example");
            await Expect(Row(page, "err-keys").Locator("td.status")).ToContainTextAsync(t.InProgress);
            await Expect(Row(page, "err-keys").GetByRole(AriaRole.Button,
                new() { Name = string.Format(CultureInfo.InvariantCulture, t.Menu, "Ola Klawiszowa (err-keys)"), Exact = true }))
                .ToBeFocusedAsync();

            // A disabled item says why and does nothing.
            await page.Keyboard.PressAsync("ArrowDown");
            var retry = page.GetByRole(AriaRole.Menu).GetByRole(AriaRole.Menuitem, new() { Name = t.RetryActivation, Exact = true });
            await Expect(retry).ToBeFocusedAsync();
            await Expect(retry).ToHaveAttributeAsync("aria-disabled", "true");
            await Expect(retry).ToHaveAccessibleDescriptionAsync("Provisioning is in progress; wait until it finishes.");
            await page.Keyboard.PressAsync("Enter");
            await Expect(page.Locator("#action-dialog")).ToBeHiddenAsync();
            await page.Keyboard.PressAsync("Escape");
            (await LoadAsync(app, failed.Id))!.Email.Should().Be("ola@firma.example");
        }
        catch
        {
            await Chromium.FailureScreenshotAsync(page, Shot("failure"));
            throw;
        }
    }

    private static async Task<IBrowserContext> NewContextAsync(IBrowser browser, string language)
    {
        var options = Chromium.ContextOptions(language);
        options.Permissions = ["clipboard-read", "clipboard-write"];
        options.AcceptDownloads = true;
        var context = await browser.NewContextAsync(options);
        context.SetDefaultTimeout(Chromium.ActionTimeoutMs);
        return context;
    }

    private static ILocator Row(IPage page, string userId) => page.Locator($"#users tbody tr[data-user-id='{userId}']");

    /// <summary>Opens the row's "⋯" menu, found by its role and name, and returns the open menu.</summary>
    private static async Task<ILocator> OpenMenuAsync(IPage page, Texts t, string userId, string label)
    {
        var button = Row(page, userId).GetByRole(AriaRole.Button,
            new() { Name = string.Format(CultureInfo.InvariantCulture, t.Menu, label), Exact = true });
        await Expect(button).ToHaveAttributeAsync("aria-haspopup", "menu");
        await button.ClickAsync();
        await Expect(button).ToHaveAttributeAsync("aria-expanded", "true");
        var menu = page.GetByRole(AriaRole.Menu, new() { Name = string.Format(CultureInfo.InvariantCulture, t.Menu, label) });
        await Expect(menu).ToBeVisibleAsync();
        return menu;
    }

    private static async Task AssertEveryMenuButtonFitsAsync(IPage page, int width)
    {
        (await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= document.documentElement.clientWidth"))
            .Should().BeTrue($"nothing scrolls sideways at {width} px");
        var buttons = page.Locator("#users tbody tr[data-user-id] .menu-button");
        (await buttons.CountAsync()).Should().BePositive();
        foreach (var button in await buttons.AllAsync())
        {
            var box = (await button.BoundingBoxAsync())!;
            (box.X >= 0 && box.X + box.Width <= width).Should().BeTrue($"every \"⋯\" is inside the {width} px window");
        }
    }

    /// <summary>Presses Tab until <paramref name="target"/> has the focus (a bounded number of times).</summary>
    private static async Task TabToAsync(IPage page, ILocator target)
    {
        for (var presses = 0; !await target.EvaluateAsync<bool>("e => e === document.activeElement"); presses++)
        {
            presses.Should().BeLessThan(60, "the element is reachable with Tab");
            await page.Keyboard.PressAsync("Tab");
        }
    }

    private static async Task<List<string>> ShownUserIdsAsync(IPage page) =>
        [.. (await page.Locator("#users tbody tr[data-user-id]").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.userId)"))];

    private static async Task<Subscriber?> LoadAsync(FlowthroughApplication app, Guid id)
    {
        await using var db = app.CreateDbContext();
        return await db.Subscribers.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id);
    }

    /// <summary>
    /// Holds the engine workers' claim until <see cref="Open"/>: the workers are real, only when they start is the
    /// test's, so that a retried row is seen In progress before it is provisioned.
    /// </summary>
    private sealed class ClaimGate : DbCommandInterceptor
    {
        private static readonly string ClaimStart = EngineSql.Claim(postgres: false)[..EngineSql.Claim(postgres: false).IndexOf(" = ", StringComparison.Ordinal)];

        private readonly TaskCompletionSource open = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Open() => open.TrySetResult();

        public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command,
            CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(command);
            if (command.CommandText.TrimStart().StartsWith(ClaimStart, StringComparison.Ordinal)
                && command.CommandText.Contains(" IN (", StringComparison.Ordinal))
            {
                await open.Task.WaitAsync(cancellationToken);
            }

            return result;
        }
    }
}
