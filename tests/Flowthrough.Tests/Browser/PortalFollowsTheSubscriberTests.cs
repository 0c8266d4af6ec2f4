using System.Diagnostics;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Flowthrough.Tests.Browser;

/// <summary>
/// The usual case: the subscriber starts on a computer and reads the verification mail on the phone. Confirming the
/// link there must move the computer's "Enter the code" page on by itself, within 3 s, to success.
/// </summary>
public sealed class PortalFollowsTheSubscriberTests
{
    private sealed record Texts(string EmailTitle, string CodeTitle, string LinkButton, string LinkVerified, string DoneTitle);

    private static readonly Dictionary<string, Texts> Expected = new()
    {
        ["pl"] = new("Zweryfikuj swój adres e-mail", "Wpisz kod z wiadomości e-mail", "Potwierdź",
            "Dziękujemy, Twój adres e-mail został zweryfikowany. Możesz zamknąć tę stronę; konfigurujemy Twoje konto.",
            "Twoje konto jest gotowe"),
        ["en"] = new("Verify your email address", "Enter the code from the email", "Confirm",
            "Thank you, your email address is verified. You can close this page; your account is being set up.",
            "Your account is ready"),
    };

    [Theory(Timeout = 120_000)]
    [InlineData("pl")]
    [InlineData("en")]
    public async Task The_code_page_reaches_success_by_itself_when_the_link_is_confirmed_on_another_device(string language)
    {
        Chromium.Require();
        var texts = Expected[language];
        var email = $"lukasz.phone+{language}@firma.example";
        await using var stage = await ActivationStage.StartAsync(TestContext.Current.CancellationToken);

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
            var confirmed = Stopwatch.StartNew();
            await confirm.ClickAsync();
            await Expect(phonePage.Locator("p.success")).ToHaveTextAsync(texts.LinkVerified);

            // The computer's page was left alone: it moves on from the code page by itself, then reaches success.
            await Expect(page.Locator("#code")).ToHaveCountAsync(0, new() { Timeout = 3_000 });
            confirmed.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(3), "the code page follows the status every 1.5 s");
            await Expect(page.Locator("h1.success")).ToHaveTextAsync(texts.DoneTitle, new() { Timeout = 15_000 });
            await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", language);
            await PageScreens.CaptureAsync(page, $"portal-success-{language}");

            await PageScreens.CaptureAsync(phonePage, $"portal-link-confirmed-{language}");
            await phonePage.GotoAsync(stage.LinkIn(await stage.MailToAsync(email)));
            await PageScreens.CaptureAsync(phonePage, $"portal-link-used-{language}");
        }
        catch
        {
            await Chromium.FailureScreenshotAsync(page, Path.Combine(screenshots, $"portal-follow-{language}-failure.png"));
            await Chromium.FailureScreenshotAsync(phonePage, Path.Combine(screenshots, $"portal-follow-{language}-phone-failure.png"));
            throw;
        }
    }
}
