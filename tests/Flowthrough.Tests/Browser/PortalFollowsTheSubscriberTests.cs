using System.Diagnostics;
using Flowthrough.Provisioning;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Flowthrough.Tests.Browser;

/// <summary>
/// The usual case: the subscriber starts on a computer and reads the verification mail on the phone. Confirming the
/// link there must move the computer's "Enter the code" page on by itself, within 3 s, to success (or to the error
/// with Try again), with the engine's workers running as in production.
/// </summary>
public sealed class PortalFollowsTheSubscriberTests
{
    private sealed record Texts(string EmailTitle, string CodeTitle, string LinkButton, string LinkVerified, string DoneTitle,
        string ErrorTitle, string TryAgain);

    private static readonly Dictionary<string, Texts> Expected = new()
    {
        ["pl"] = new("Zweryfikuj swój adres e-mail", "Wpisz kod z wiadomości e-mail", "Potwierdź",
            "Dziękujemy, Twój adres e-mail został zweryfikowany. Możesz zamknąć tę stronę; konfigurujemy Twoje konto.",
            "Twoje konto jest gotowe", "Nie udało się aktywować Twojego konta", "Spróbuj ponownie"),
        ["en"] = new("Verify your email address", "Enter the code from the email", "Confirm",
            "Thank you, your email address is verified. You can close this page; your account is being set up.",
            "Your account is ready", "We could not activate your account", "Try again"),
    };

    [Theory(Timeout = 120_000)]
    [InlineData("pl")]
    [InlineData("en")]
    public Task The_code_page_reaches_success_by_itself_when_the_link_is_confirmed_on_another_device(string language) =>
        ConfirmOnThePhoneAsync(language, $"lukasz.phone+{language}@firma.example", "follow",
            arrange: _ => Task.CompletedTask,
            outcome: async (page, phonePage, texts) =>
            {
                await Expect(page.Locator("h1.success")).ToHaveTextAsync(texts.DoneTitle, new() { Timeout = 15_000 });
                await PageScreens.CaptureAsync(page, $"portal-success-{language}");
                await PageScreens.CaptureAsync(phonePage, $"portal-link-confirmed-{language}");
            },
            TestContext.Current.CancellationToken);

    [Theory(Timeout = 120_000)]
    [InlineData("pl")]
    [InlineData("en")]
    public Task The_code_page_reaches_the_error_with_try_again_by_itself_when_provisioning_fails(string language) =>
        ConfirmOnThePhoneAsync(language, $"lukasz.taken+{language}@firma.example", "follow-error",
            arrange: async email =>
            {
                // The address is already a user of another customer organisation: provisioning ends in 7002.
                await using var db = email.Stage.App.CreateDbContext();
                db.People.Add(new Person
                {
                    OrganizationId = Guid.NewGuid(),
                    Email = email.Address,
                    NormalizedEmail = email.Address.ToLowerInvariant(),
                    Created = DateTime.UtcNow,
                });
                await db.SaveChangesAsync();
            },
            outcome: async (page, _, texts) =>
            {
                await Expect(page.Locator("h1.error")).ToHaveTextAsync(texts.ErrorTitle, new() { Timeout = 15_000 });
                await Expect(page.GetByRole(AriaRole.Button, new() { Name = texts.TryAgain, Exact = true })).ToBeVisibleAsync();
                await PageScreens.CaptureAsync(page, $"portal-error-{language}");
            },
            TestContext.Current.CancellationToken);

    private sealed record Arrangement(ActivationStage Stage, string Address);

    /// <summary>
    /// Signs in and enters <paramref name="email"/> on the computer, confirms the mailed link on the phone (another
    /// browser context), and checks that the computer's code page moves on within 3 s; <paramref name="outcome"/> checks where it ends.
    /// </summary>
    private static async Task ConfirmOnThePhoneAsync(string language, string email, string name,
        Func<Arrangement, Task> arrange, Func<IPage, IPage, Texts, Task> outcome, CancellationToken cancel)
    {
        Chromium.Require();
        var texts = Expected[language];
        await using var stage = await ActivationStage.StartAsync(cancel);
        await arrange(new Arrangement(stage, email));

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        await using var computer = await ActivationStage.NewDeviceAsync(browser, language, 1280, 800);
        await using var phone = await ActivationStage.NewDeviceAsync(browser, language, 390, 844);
        var page = await computer.NewPageAsync();
        var phonePage = await phone.NewPageAsync();
        var screenshots = Chromium.ScreenshotDirectory();

        try
        {
            await page.GotoAsync(stage.ShareLink);
            await PageScreens.CaptureAsync(page, $"portal-signin-{language}");
            await ActivationStage.SignInAsync(page);
            await Expect(page.Locator("h1")).ToHaveTextAsync(texts.EmailTitle);
            await PageScreens.CaptureAsync(page, $"portal-email-{language}");
            await ActivationStage.EnterEmailAsync(page, email);
            await Expect(page.Locator("h1")).ToHaveTextAsync(texts.CodeTitle);
            await PageScreens.CaptureAsync(page, $"portal-code-{language}");

            // On the phone: the link from the mail, in a browser that shares nothing with the computer's.
            await phonePage.GotoAsync(stage.LinkIn(await stage.MailToAsync(email)));
            var confirm = phonePage.GetByRole(AriaRole.Button, new() { Name = texts.LinkButton });
            await Expect(confirm).ToBeVisibleAsync();
            await PageScreens.CaptureAsync(phonePage, $"portal-link-{language}");
            // The clock starts when the server has answered the confirmation: from then on the status has changed.
            await phonePage.RunAndWaitForResponseAsync(() => confirm.ClickAsync(),
                r => r.Request.Method == "POST" && r.Url.Contains("/activate/verify/", StringComparison.Ordinal));
            var confirmed = Stopwatch.StartNew();

            // The computer's page was left alone: it moves on from the code page by itself.
            await Expect(page.Locator("#code")).ToHaveCountAsync(0, new() { Timeout = 3_000 });
            confirmed.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(3), "the code page follows the status every 1.5 s");
            await Expect(phonePage.Locator("p.success")).ToHaveTextAsync(texts.LinkVerified);
            await outcome(page, phonePage, texts);
            await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", language);
        }
        catch
        {
            await Chromium.FailureScreenshotAsync(page, Path.Combine(screenshots, $"portal-{name}-{language}-failure.png"));
            await Chromium.FailureScreenshotAsync(phonePage, Path.Combine(screenshots, $"portal-{name}-{language}-phone-failure.png"));
            throw;
        }
    }
}
