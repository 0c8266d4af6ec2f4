using System.Net;
using AngleSharp.Dom;
using Flowthrough.Email;
using Flowthrough.Subscribers;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.Tests.Activation;

/// <summary>Email entry, the code, the link, resend limits and the pages that follow, through the real forms.</summary>
public sealed class VerificationTests : IAsyncLifetime
{
    private PortalFixture portal = null!;
    private TestPartner partner = null!;
    private PortalBrowser browser = null!;

    public async ValueTask InitializeAsync()
    {
        portal = await PortalFixture.StartAsync(fakeTime: true);
        partner = await portal.TemplateAsync(t => t.PartnerAdminName = "Anna from Demo Partner");
        browser = portal.Browser();
        await portal.SendFromBroadWorksAsync(partner, PortalFixture.Lukasz);
        await PortalFixture.SignInAsync(browser, partner, PortalFixture.Lukasz, PortalFixture.LukaszPassword);
    }

    public async ValueTask DisposeAsync() => await portal.DisposeAsync();

    private async Task<Subscriber> SubscriberAsync() => (await portal.SubscriberAsync(PortalFixture.Lukasz))!;

    private Task SubmitEmailAsync(string email = "lukasz@firma.example") =>
        browser.SubmitAsync("form[action*='handler=Email']", new Dictionary<string, string> { ["Email"] = email });

    private Task SubmitCodeAsync(string code) =>
        browser.SubmitAsync("form[action*='handler=Code']", new Dictionary<string, string> { ["Code"] = code });

    private static string WrongCode(string code) => code == "000000" ? "111111" : "000000";

    [Fact]
    public async Task Entering_an_email_mails_a_code_and_a_link_and_the_right_code_starts_provisioning()
    {
        await SubmitEmailAsync();

        var subscriber = await SubscriberAsync();
        subscriber.Status.Should().Be(SubscriberStatus.PendingEmailValidation);
        browser.Text.Should().Contain("We sent a 6-digit code to l***@f***.example").And.Contain("Use a different email");
        var (code, link, message) = await portal.LatestMailAsync(subscriber.Id);
        code.Should().MatchRegex(@"^\d{6}$");
        link.Should().StartWith("/activate/verify/");
        message.To.Should().Be("lukasz@firma.example");
        message.Text.Should().Contain("Anna from Demo Partner");
        await using (var db = portal.App.CreateDbContext())
        {
            var stored = await db.EmailVerifications.SingleAsync(v => v.SubscriberId == subscriber.Id);
            stored.CodeHash.Should().NotContain(code, "codes are stored hashed");
            stored.LinkTokenHash.Should().NotBe(link.Split('/')[^1]);
        }

        await SubmitCodeAsync(code);

        (await SubscriberAsync()).Status.Should().Be(SubscriberStatus.Provisioning);
        browser.Document.QuerySelector("#progress").Should().NotBeNull();
        browser.Text.Should().Contain("Setting up your account");

        await portal.DrainEngineAsync();
        await browser.OpenAsync(browser.Path);
        browser.Document.QuerySelector("h1.success")!.TextContent.Should().Be("Your account is ready");
        browser.Document.QuerySelectorAll(".downloads a").Should().HaveCount(4);
        (await portal.EventsAsync(subscriber.Id)).Should().ContainInOrder("intake", "email_submitted", "email_verified", "provisioned");
    }

    [Fact]
    public async Task An_invalid_email_is_refused_on_the_form()
    {
        await SubmitEmailAsync("not-an-email");

        browser.Text.Should().Contain("Enter a valid email address");
        (await SubscriberAsync()).Status.Should().Be(SubscriberStatus.PendingEmailInput);
    }

    [Fact]
    public async Task Wrong_codes_count_down_and_the_fifth_invalidates_the_code()
    {
        await SubmitEmailAsync();
        var subscriber = await SubscriberAsync();
        var (code, _, _) = await portal.LatestMailAsync(subscriber.Id);

        await SubmitCodeAsync(WrongCode(code));
        browser.Text.Should().Contain("That code is not correct. 4 attempt(s) left.");
        for (var i = 0; i < 4; i++)
        {
            await SubmitCodeAsync(WrongCode(code));
        }

        browser.Text.Should().Contain("Too many wrong codes. Send a new one.");
        await SubmitCodeAsync(code);
        browser.Text.Should().Contain("Too many wrong codes.");
        (await SubscriberAsync()).Status.Should().Be(SubscriberStatus.PendingEmailValidation);
        (await portal.EventsAsync(subscriber.Id)).Count(e => e == "code_failed").Should().Be(5);
    }

    [Fact]
    public async Task An_expired_code_is_refused()
    {
        await SubmitEmailAsync();
        var (code, _, _) = await portal.LatestMailAsync((await SubscriberAsync()).Id);

        portal.App.Time!.Advance(TimeSpan.FromHours(24) + TimeSpan.FromMinutes(1));
        // A day later the portal cookie has expired too: the subscriber signs in again.
        await PortalFixture.SignInAsync(browser, partner, PortalFixture.Lukasz, PortalFixture.LukaszPassword);
        await SubmitCodeAsync(code);

        browser.Text.Should().Contain("This code has expired. Send a new one.");
        (await SubscriberAsync()).Status.Should().Be(SubscriberStatus.PendingEmailValidation);
    }

    [Fact]
    public async Task Resend_waits_for_its_cooldown_and_a_new_code_replaces_the_old_one()
    {
        await SubmitEmailAsync();
        var subscriber = await SubscriberAsync();
        var (oldCode, _, _) = await portal.LatestMailAsync(subscriber.Id);
        browser.Document.QuerySelector("#resend")!.HasAttribute("disabled").Should().BeTrue();
        browser.Document.QuerySelector("#countdown")!.TextContent.Should().Contain("You can resend in 30 s.");

        await browser.SubmitAsync("form[action*='handler=Resend']");
        browser.Status.Should().Be(HttpStatusCode.TooManyRequests);
        browser.LastResponse!.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromSeconds(30));
        browser.Text.Should().Contain("Please wait 30 seconds");

        portal.App.Time!.Advance(TimeSpan.FromSeconds(31));
        await browser.OpenAsync(browser.Path);
        await browser.SubmitAsync("form[action*='handler=Resend']");
        browser.Status.Should().Be(HttpStatusCode.OK);
        browser.Text.Should().Contain("We sent a new email with a new code.");
        var (newCode, _, _) = await portal.LatestMailAsync(subscriber.Id);

        if (newCode != oldCode)
        {
            await SubmitCodeAsync(oldCode);
            browser.Text.Should().Contain("not correct");
        }

        await SubmitCodeAsync(newCode);
        (await SubscriberAsync()).Status.Should().Be(SubscriberStatus.Provisioning);
    }

    [Fact]
    public async Task At_most_five_emails_an_hour_go_to_one_subscriber()
    {
        await SubmitEmailAsync();
        for (var i = 0; i < 4; i++)
        {
            portal.App.Time!.Advance(TimeSpan.FromSeconds(31));
            await browser.OpenAsync(browser.Path);
            await browser.SubmitAsync("form[action*='handler=Resend']");
            browser.Status.Should().Be(HttpStatusCode.OK);
        }

        portal.App.Time!.Advance(TimeSpan.FromSeconds(31));
        await browser.OpenAsync(browser.Path);
        await browser.SubmitAsync("form[action*='handler=Resend']");

        browser.Status.Should().Be(HttpStatusCode.TooManyRequests);
        browser.Text.Should().Contain("Too many verification emails were sent.");
        await using var db = portal.App.CreateDbContext();
        (await db.Outbox.CountAsync(m => m.Kind == EmailKind.Verification)).Should().Be(5);
    }

    [Fact]
    public async Task At_most_five_emails_an_hour_go_to_one_address_whoever_asks()
    {
        for (var i = 0; i < 5; i++)
        {
            await using (var db = portal.App.CreateDbContext())
            {
                db.EmailVerifications.Add(new EmailVerification
                {
                    SubscriberId = Guid.NewGuid(),
                    Email = "target@firma.example",
                    LinkTokenHash = Guid.NewGuid().ToString("N"),
                    Created = portal.App.Time!.GetUtcNow().UtcDateTime.AddMinutes(-10),
                    ExpiresAt = portal.App.Time.GetUtcNow().UtcDateTime.AddHours(1),
                });
                await db.SaveChangesAsync();
            }
        }

        await SubmitEmailAsync("Target@Firma.example");

        browser.Status.Should().Be(HttpStatusCode.TooManyRequests);
        (await SubscriberAsync()).Status.Should().Be(SubscriberStatus.PendingEmailInput);
    }

    [Fact]
    public async Task Use_a_different_email_sends_to_the_new_address()
    {
        await SubmitEmailAsync();
        await browser.OpenAsync(browser.Path + "?change=true");
        browser.Document.QuerySelector("#email").Should().NotBeNull();

        portal.App.Time!.Advance(TimeSpan.FromSeconds(31));
        await SubmitEmailAsync("other@firma.example");

        var subscriber = await SubscriberAsync();
        subscriber.Email.Should().Be("other@firma.example");
        (await portal.LatestMailAsync(subscriber.Id)).Message.To.Should().Be("other@firma.example");
    }

    [Fact]
    public async Task A_scanners_get_of_the_link_verifies_nothing_and_the_button_in_another_browser_does()
    {
        await SubmitEmailAsync();
        var subscriber = await SubscriberAsync();
        var (_, link, _) = await portal.LatestMailAsync(subscriber.Id);
        var other = portal.Browser();

        await other.OpenAsync(link);
        await other.OpenAsync(link);

        other.Text.Should().Contain("Confirm that l***@f***.example is your email address.");
        (await SubscriberAsync()).Status.Should().Be(SubscriberStatus.PendingEmailValidation);

        await other.SubmitAsync("form");

        other.Text.Should().Contain("your email address is verified");
        (await SubscriberAsync()).Status.Should().Be(SubscriberStatus.Provisioning);
        await other.OpenAsync(link);
        other.Text.Should().Contain("This link was already used.");
        await other.OpenAsync("/activate/verify/not-a-token");
        other.Status.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Provision_admin_first_explains_the_wait()
    {
        await using (var db = portal.App.CreateDbContext())
        {
            var subscriber = await db.Subscribers.SingleAsync(s => s.UserId == PortalFixture.Lukasz);
            subscriber.RetryActivation("lukasz@firma.example", "test", DateTime.UtcNow);
            subscriber.HoldForFirstUser(Guid.NewGuid(), DateTime.UtcNow);
            await db.SaveChangesAsync();
        }

        await browser.OpenAsync(browser.Path);

        browser.Text.Should().Contain("Waiting for your organisation's first user to activate.");
    }

    [Fact]
    public async Task The_progress_page_can_poll_its_status()
    {
        var response = await browser.Client.GetStringAsync($"/activate/{partner.Template.ActivationSlug}/me?handler=Status");

        response.Should().Contain("\"status\":\"pending_email_input\"");
    }

    [Fact]
    public async Task Try_again_requeues_provisioning_and_after_three_tries_in_a_day_points_to_the_administrator()
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            await FailAsync(ErrorCatalog.IdentityUnavailable.Code);
            await browser.OpenAsync(browser.Path);
            browser.Text.Should().Contain("We could not activate your account")
                .And.Contain(ErrorCatalog.IdentityUnavailable.English);
            await browser.SubmitAsync("form[action*='handler=TryAgain']");
            (await SubscriberAsync()).Status.Should().Be(SubscriberStatus.Provisioning);
        }

        await FailAsync(ErrorCatalog.IdentityUnavailable.Code);
        await browser.OpenAsync(browser.Path);

        browser.Document.QuerySelector("form[action*='handler=TryAgain']").Should().BeNull();
        browser.Text.Should().Contain("Contact your administrator");
        var subscriber = await SubscriberAsync();
        browser.Document.QuerySelector("code.reference")!.TextContent.Should()
            .Be("FT-" + subscriber.Id.ToString("N")[^8..].ToUpperInvariant());
    }

    [Fact]
    public async Task Try_again_after_an_email_problem_goes_back_to_email_entry()
    {
        await FailAsync(ErrorCatalog.EmailInOtherOrganization.Code);
        await browser.OpenAsync(browser.Path);

        await browser.SubmitAsync("form[action*='handler=TryAgain']");

        (await SubscriberAsync()).Status.Should().Be(SubscriberStatus.PendingEmailInput);
        browser.Document.QuerySelector("#email").Should().NotBeNull();
    }

    [Fact]
    public async Task Waiting_for_consent_explains_the_email_and_resends_it()
    {
        await using (var db = portal.App.CreateDbContext())
        {
            var subscriber = await db.Subscribers.SingleAsync(s => s.UserId == PortalFixture.Lukasz);
            subscriber.RetryActivation("free@mail.example", "test", DateTime.UtcNow);
            subscriber.RequireUserMigration(DateTime.UtcNow);
            await db.SaveChangesAsync();
        }

        await browser.OpenAsync(browser.Path);
        browser.Text.Should().Contain("Activate Account");
        await browser.SubmitAsync("form[action*='handler=ResendConsent']");

        browser.Text.Should().Contain("We sent the email to f***@m***.example again.");
        await using var check = portal.App.CreateDbContext();
        (await check.Outbox.CountAsync(m => m.Kind == EmailKind.ConsentMove)).Should().Be(1);
    }

    [Fact]
    public async Task The_consent_link_shows_a_button_and_only_the_post_moves_the_account()
    {
        await using (var db = portal.App.CreateDbContext())
        {
            var subscriber = await db.Subscribers.SingleAsync(s => s.UserId == PortalFixture.Lukasz);
            subscriber.RetryActivation("free@mail.example", "test", DateTime.UtcNow);
            subscriber.RequireUserMigration(DateTime.UtcNow);
            await db.SaveChangesAsync();
        }

        await browser.OpenAsync(browser.Path);
        await browser.SubmitAsync("form[action*='handler=ResendConsent']");
        string token;
        await using (var db = portal.App.CreateDbContext())
        {
            var mail = await portal.DeliveredAsync(await db.Outbox.AsNoTracking().SingleAsync(m => m.Kind == EmailKind.ConsentMove));
            token = System.Text.RegularExpressions.Regex.Match(mail.Text, @"/activate/consent/([A-Za-z0-9_\-]+)").Groups[1].Value;
        }

        var other = portal.Browser();
        await other.OpenAsync($"/activate/consent/{token}");
        (await SubscriberAsync()).Status.Should().Be(SubscriberStatus.PendingUserMigration);
        await other.SubmitAsync("form");

        other.Text.Should().Contain("Your account is being moved");
        var moved = await SubscriberAsync();
        moved.Status.Should().Be(SubscriberStatus.Provisioning);
        moved.MigrationConsentAt.Should().NotBeNull();
    }

    private async Task FailAsync(int errorCode)
    {
        await using var db = portal.App.CreateDbContext();
        var subscriber = await db.Subscribers.SingleAsync(s => s.UserId == PortalFixture.Lukasz);
        if (subscriber.Status != SubscriberStatus.Provisioning)
        {
            subscriber.RetryActivation("lukasz@firma.example", "test", portal.App.Time!.GetUtcNow().UtcDateTime);
        }

        subscriber.Fail(errorCode, "failed", portal.App.Time!.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync();
    }
}
