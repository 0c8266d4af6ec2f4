using System.Net;
using AngleSharp.Dom;
using Flowthrough.Subscribers;
using Flowthrough.Templates;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.Tests.Activation;

public sealed class SignInTests : IAsyncLifetime
{
    private PortalFixture portal = null!;

    public async ValueTask InitializeAsync() => portal = await PortalFixture.StartAsync();

    public async ValueTask DisposeAsync() => await portal.DisposeAsync();

    [Fact]
    public async Task The_sign_in_page_names_the_partner_speaks_the_browsers_language_and_links_password_reset()
    {
        var partner = await portal.TemplateAsync(t => t.PasswordResetUrl = "https://selfcare.example/reset");
        var browser = portal.Browser("pl-PL,pl;q=0.9");

        var page = await browser.OpenAsync($"/activate/{partner.Template.ActivationSlug}");

        browser.Status.Should().Be(HttpStatusCode.OK);
        page.DocumentElement.GetAttribute("lang").Should().Be("pl");
        browser.Text.Should().Contain(partner.Partner.Name).And.Contain("Identyfikator użytkownika BroadWorks");
        page.QuerySelector("a[href='https://selfcare.example/reset']")!.TextContent.Should().Be("Zresetuj hasło");

        await browser.OpenAsync($"/activate/language?culture=en&returnUrl=/activate/{partner.Template.ActivationSlug}");
        browser.Document.DocumentElement.GetAttribute("lang").Should().Be("en", "the switch wins over Accept-Language");
        browser.Text.Should().Contain("BroadWorks user ID");
    }

    [Fact]
    public async Task An_unknown_share_link_is_404_and_the_language_switch_never_redirects_away()
    {
        var browser = portal.Browser();

        await browser.OpenAsync("/activate/no-such-template");
        browser.Status.Should().Be(HttpStatusCode.NotFound);

        await browser.OpenAsync("/activate/language?culture=pl&returnUrl=https://evil.example/");
        browser.Path.Should().Be("/");
    }

    [Fact]
    public async Task A_user_broadworks_sent_signs_in_and_is_asked_for_an_email()
    {
        var partner = await portal.TemplateAsync();
        await portal.SendFromBroadWorksAsync(partner, PortalFixture.Lukasz);
        var browser = portal.Browser();

        await PortalFixture.SignInAsync(browser, partner, PortalFixture.Lukasz, PortalFixture.LukaszPassword);

        browser.Path.Should().Be($"/activate/{partner.Template.ActivationSlug}/me");
        browser.Text.Should().Contain("To start using your account, you need to verify your email address. " +
            "Enter your work email address, and a verification email is sent.");
        var subscriber = (await portal.SubscriberAsync(PortalFixture.Lukasz))!;
        subscriber.Status.Should().Be(SubscriberStatus.PendingEmailInput);
        subscriber.FirstName.Should().Be("Łukasz");
        subscriber.SpEnterpriseId.Should().Be("sp-warszawa+warszawa-mokotow");
        subscriber.PrimaryPhoneNumber.Should().Be("+48225550101");
        subscriber.SelfActivated.Should().BeFalse();
        (await portal.EventsAsync(subscriber.Id)).Should().Equal("intake", "signed_in");
    }

    [Theory]
    [InlineData("en", "Your account is not enabled for activation. Contact your administrator.")]
    [InlineData("pl", "Twoje konto nie jest włączone do aktywacji. Skontaktuj się z administratorem.")]
    public async Task A_valid_broadworks_user_that_broadworks_never_sent_cannot_create_themselves(string language,
        string message)
    {
        var partner = await portal.TemplateAsync();
        var browser = portal.Browser(language);

        await PortalFixture.SignInAsync(browser, partner, PortalFixture.Lukasz, PortalFixture.LukaszPassword);

        browser.Path.Should().Be($"/activate/{partner.Template.ActivationSlug}");
        browser.Document.QuerySelector("[role=alert]")!.TextContent.Trim().Should().Be(message);
        await using var db = portal.App.CreateDbContext();
        (await db.Subscribers.CountAsync()).Should().Be(0, "a licence goes only to users BroadWorks switched on");
    }

    [Fact]
    public async Task With_self_activation_a_flow_through_template_admits_users_of_the_groups_it_serves_only()
    {
        var partner = await portal.TemplateAsync(t => t.AllowSelfActivation = true);
        // Łukasz's group (warszawa-mokotow) is served: BroadWorks sent Małgorzata from it. Zofia's (warszawa-wola) is not.
        await portal.SendFromBroadWorksAsync(partner, "malgorzata.kowalczyk@warszawa.sp.example");

        var lukasz = portal.Browser();
        await PortalFixture.SignInAsync(lukasz, partner, PortalFixture.Lukasz, PortalFixture.LukaszPassword);
        var zofia = portal.Browser();
        await PortalFixture.SignInAsync(zofia, partner, PortalFixture.Zofia, PortalFixture.ZofiaPassword);

        lukasz.Path.Should().EndWith("/me");
        var admitted = (await portal.SubscriberAsync(PortalFixture.Lukasz))!;
        admitted.SelfActivated.Should().BeTrue();
        admitted.Source.Should().Be(SubscriberSource.SelfActivation);
        zofia.Text.Should().Contain("Your account is not enabled for activation. Contact your administrator.");
        (await portal.SubscriberAsync(PortalFixture.Zofia)).Should().BeNull();
    }

    [Fact]
    public async Task Wrong_password_and_unknown_user_get_the_same_generic_answer()
    {
        var partner = await portal.TemplateAsync();

        var wrong = portal.Browser();
        await PortalFixture.SignInAsync(wrong, partner, PortalFixture.Lukasz, "not-the-password");
        var unknown = portal.Browser();
        await PortalFixture.SignInAsync(unknown, partner, "nobody@warszawa.sp.example", "not-the-password");

        var wrongMessage = wrong.Document.QuerySelector("[role=alert]")!.TextContent.Trim();
        wrongMessage.Should().Be("The user ID or password is not correct.");
        unknown.Document.QuerySelector("[role=alert]")!.TextContent.Trim().Should().Be(wrongMessage);
        wrong.Document.QuerySelector<AngleSharp.Html.Dom.IHtmlInputElement>("#password")!.Value.Should().BeEmpty();
        (await portal.SubscriberAsync(PortalFixture.Lukasz)).Should().BeNull();
    }

    [Fact]
    public async Task BroadWorks_down_says_so_and_never_counts_towards_a_lockout()
    {
        var partner = await portal.TemplateAsync();
        await portal.SendFromBroadWorksAsync(partner, PortalFixture.Lukasz);
        await portal.SetFaultsAsync(new { xsiFail503 = true });
        var browser = portal.Browser();

        for (var i = 0; i < 6; i++)
        {
            await PortalFixture.SignInAsync(browser, partner, PortalFixture.Lukasz, PortalFixture.LukaszPassword);
            browser.Text.Should().Contain("We cannot reach your phone service right now. Try again in a minute.");
        }

        await portal.SetFaultsAsync(new { xsiFail503 = false });
        // The cluster's circuit opened after so many failures; it lets a request through once it has rested.
        await Task.Delay(700, TestContext.Current.CancellationToken);
        await PortalFixture.SignInAsync(browser, partner, PortalFixture.Lukasz, PortalFixture.LukaszPassword);
        browser.Path.Should().EndWith("/me");
    }

    [Fact]
    public async Task Five_failures_lock_the_user_id_even_for_the_right_password_and_the_timeline_shows_it()
    {
        var partner = await portal.TemplateAsync();
        await portal.SendFromBroadWorksAsync(partner, PortalFixture.Lukasz);
        var first = portal.Browser();
        await PortalFixture.SignInAsync(first, partner, PortalFixture.Lukasz, PortalFixture.LukaszPassword);
        var subscriber = (await portal.SubscriberAsync(PortalFixture.Lukasz))!;

        var attacker = portal.Browser();
        for (var i = 0; i < 5; i++)
        {
            await PortalFixture.SignInAsync(attacker, partner, PortalFixture.Lukasz, $"guess-{i}");
        }

        await PortalFixture.SignInAsync(attacker, partner, PortalFixture.Lukasz, PortalFixture.LukaszPassword);

        attacker.Status.Should().Be(HttpStatusCode.TooManyRequests);
        attacker.LastResponse!.Headers.RetryAfter.Should().NotBeNull();
        attacker.Text.Should().Contain("Too many failed sign-ins. Try again in 15 minute(s).");
        var events = await portal.EventsAsync(subscriber.Id);
        events.Count(e => e == "signin_failed").Should().Be(5);
        events.Should().Contain("locked_out").And.Contain("signin_refused_locked");
    }

    [Fact]
    public async Task A_template_that_neither_flows_through_untrusted_nor_self_activates_is_not_enabled()
    {
        var partner = await portal.TemplateAsync(t => t.EmailTrust = EmailTrust.Trusted);
        var browser = portal.Browser();

        await PortalFixture.SignInAsync(browser, partner, PortalFixture.Lukasz, PortalFixture.LukaszPassword);

        browser.Text.Should().Contain("Your account is not enabled for activation. Contact your administrator.");
        (await portal.SubscriberAsync(PortalFixture.Lukasz)).Should().BeNull();
    }

    [Fact]
    public async Task Self_activation_creates_a_self_activated_subscriber()
    {
        var partner = await portal.TemplateAsync(t =>
        {
            t.FlowThroughEnabled = false;
            t.AllowSelfActivation = true;
        });
        var browser = portal.Browser();

        await PortalFixture.SignInAsync(browser, partner, PortalFixture.Zofia, PortalFixture.ZofiaPassword);

        var subscriber = (await portal.SubscriberAsync(PortalFixture.Zofia))!;
        subscriber.SelfActivated.Should().BeTrue();
        subscriber.Status.Should().Be(SubscriberStatus.PendingEmailInput);
        subscriber.EmailTrusted.Should().BeFalse("an email attribute from BroadWorks is not proof of ownership");
    }

    [Fact]
    public async Task A_subscriber_created_by_flow_through_signs_in_to_its_own_page()
    {
        var partner = await portal.TemplateAsync();
        await using (var db = portal.App.CreateDbContext())
        {
            db.Subscribers.Add(Subscriber.Intake(new Subscriber.IntakeDetails(partner.Partner.Id, partner.Template.Id,
                partner.Template.ProvisioningId, PortalFixture.Zofia, "sp+g", "Zofia", "Żak", SubscriberPackage.Basic,
                null, false, "1", null, null, "pl", null, SubscriberSource.FlowThrough), Actors.BroadWorks, DateTime.UtcNow));
            await db.SaveChangesAsync();
        }

        var browser = portal.Browser();
        await PortalFixture.SignInAsync(browser, partner, PortalFixture.Zofia, PortalFixture.ZofiaPassword);

        browser.Path.Should().EndWith("/me");
        var subscriber = (await portal.SubscriberAsync(PortalFixture.Zofia))!;
        (await portal.EventsAsync(subscriber.Id)).Should().Equal("intake", "signed_in");
    }

    [Fact]
    public async Task The_own_page_needs_a_sign_in_and_a_cookie_from_another_template_does_not_open_it()
    {
        var partner = await portal.TemplateAsync();
        var other = await portal.TemplateAsync();
        await portal.SendFromBroadWorksAsync(partner, PortalFixture.Lukasz);
        var browser = portal.Browser();

        await browser.OpenAsync($"/activate/{partner.Template.ActivationSlug}/me");
        browser.Path.Should().Be($"/activate/{partner.Template.ActivationSlug}");

        await PortalFixture.SignInAsync(browser, partner, PortalFixture.Lukasz, PortalFixture.LukaszPassword);
        await browser.OpenAsync($"/activate/{other.Template.ActivationSlug}/me");
        browser.Path.Should().Be($"/activate/{other.Template.ActivationSlug}");
    }

    [Fact]
    public async Task A_post_without_the_antiforgery_token_is_refused()
    {
        var partner = await portal.TemplateAsync();
        var client = portal.Browser().Client;

        var response = await client.PostAsync($"/activate/{partner.Template.ActivationSlug}", new FormUrlEncodedContent(
            new Dictionary<string, string> { ["Input.UserId"] = PortalFixture.Lukasz, ["Input.Password"] = PortalFixture.LukaszPassword }));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        await using var db = portal.App.CreateDbContext();
        (await db.Subscribers.CountAsync()).Should().Be(0);
    }

    [Fact]
    public async Task The_portal_cookie_is_http_only_and_same_site_lax()
    {
        var partner = await portal.TemplateAsync();
        await portal.SendFromBroadWorksAsync(partner, PortalFixture.Lukasz);
        var raw = portal.App.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions
        {
            AllowAutoRedirect = false,
            HandleCookies = false,
        });
        var page = await raw.GetAsync($"/activate/{partner.Template.ActivationSlug}");
        var antiforgeryCookie = page.Headers.GetValues("Set-Cookie").First().Split(';')[0];
        var html = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(await page.Content.ReadAsStringAsync());
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/activate/{partner.Template.ActivationSlug}")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["Input.UserId"] = PortalFixture.Lukasz,
                ["Input.Password"] = PortalFixture.LukaszPassword,
                ["__RequestVerificationToken"] = html.QuerySelector<AngleSharp.Html.Dom.IHtmlInputElement>(
                    "input[name=__RequestVerificationToken]")!.Value,
            }),
        };
        request.Headers.Add("Cookie", antiforgeryCookie);

        var response = await raw.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        var setCookie = response.Headers.GetValues("Set-Cookie").Single(v => v.StartsWith("flowthrough.portal=", StringComparison.Ordinal));
        setCookie.Should().Contain("httponly").And.Contain("samesite=lax");
    }
}
