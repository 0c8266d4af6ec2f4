using Flowthrough.Subscribers;
using Flowthrough.Tests.Activation;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.Tests.Security;

/// <summary>
/// The email verification code allows five tries, also when the guesses arrive all at once: the attempt is counted in
/// the same statement that checks the limit (VerificationTests has the one-by-one case and its messages).
/// </summary>
public sealed class CodeGuessingTests
{
    [Fact]
    public async Task Thirty_guesses_at_once_get_five_tries_and_then_the_right_code_and_the_link_are_refused()
    {
        await using var portal = await PortalFixture.StartAsync();
        var partner = await portal.TemplateAsync();
        var subscriber = await portal.SendFromBroadWorksAsync(partner, PortalFixture.Lukasz);
        var browser = portal.Browser();
        await PortalFixture.SignInAsync(browser, partner, PortalFixture.Lukasz, PortalFixture.LukaszPassword);
        await browser.SubmitAsync("form[action*='handler=Email']", new Dictionary<string, string> { ["Email"] = "lukasz@firma.example" });
        var (code, link, _) = await portal.LatestMailAsync(subscriber.Id);
        var form = browser.Document.QuerySelector("form[action*='handler=Code']")!;
        var action = form.GetAttribute("action")!;
        var token = form.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        var ct = TestContext.Current.CancellationToken;

        var guesses = Enumerable.Range(0, 30).Select(i => ((int.Parse(code, System.Globalization.CultureInfo.InvariantCulture) + 1 + i) % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture));
        var answers = await Task.WhenAll(guesses.Select(async guess =>
        {
            using var response = await browser.Client.PostAsync(action, new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["Code"] = guess,
                ["__RequestVerificationToken"] = token,
            }), ct);
            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(ct));
        }));

        answers.Select(a => a.Item1).Should().OnlyContain(status => status < 500, "a guess among many is answered, never a 500");

        answers.Count(a => a.Item2.Contains("attempt(s) left", StringComparison.Ordinal)).Should().BeLessThanOrEqualTo(4);
        await using (var db = portal.App.CreateDbContext())
        {
            (await db.EmailVerifications.Where(v => v.SubscriberId == subscriber.Id).Select(v => v.Attempts).SingleAsync(ct))
                .Should().Be(5, "no more tries are counted than the limit, however many arrive together");
        }

        (await portal.EventsAsync(subscriber.Id)).Count(e => e == "code_failed").Should().BeLessThanOrEqualTo(5);

        await browser.OpenAsync(browser.Path);
        await browser.SubmitAsync("form[action*='handler=Code']", new Dictionary<string, string> { ["Code"] = code });
        browser.Text.Should().Contain("Too many wrong codes.");
        await browser.OpenAsync(link);
        var confirm = browser.Document.QuerySelector("form");
        if (confirm is not null)
        {
            await browser.SubmitAsync("form");
        }

        (await portal.SubscriberAsync(PortalFixture.Lukasz))!.Status.Should().Be(SubscriberStatus.PendingEmailValidation,
            "neither the right code nor the link verifies once the tries are used up");
    }
}
