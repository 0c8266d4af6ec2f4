using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using System.Text.RegularExpressions;
using Flowthrough.Data;
using Flowthrough.Email;
using Flowthrough.Partners;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Flowthrough.Tests.PartnerHub.Admins;

/// <summary>Settings → Administrators: invite by email, set the password from the link, roles, removal, audit.</summary>
public sealed partial class AdminsTests : IAsyncLifetime
{
    private const string NewPassword = "Fresh-Admin-Password-7";

    private HubFixture hub = null!;

    public async ValueTask InitializeAsync() => hub = await HubFixture.StartAsync(fakeTime: true);

    public async ValueTask DisposeAsync() => await hub.DisposeAsync();

    [GeneratedRegex(@"http://flowthrough\.test(/partner/set-password/[A-Za-z0-9_\-]+)")]
    private static partial Regex SetPasswordLink();

    private async Task<PortalBrowser> OpenAdminsAsync(PartnerAdmin? admin = null, string language = "en")
    {
        var browser = await hub.SignInAsync(admin, language);
        await browser.OpenAsync("/partner/settings");
        await browser.OpenAsync(browser.Document.QuerySelector("a[href='/partner/admins']")!.GetAttribute("href")!);
        browser.Status.Should().Be(HttpStatusCode.OK);
        return browser;
    }

    private PortalBrowser Anonymous(string language = "en")
    {
        var client = hub.App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = true, HandleCookies = true });
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd(language);
        return new PortalBrowser(client);
    }

    private async Task<PortalBrowser> InviteAsync(string email, PartnerAdminRole role, string language = "en")
    {
        var browser = await OpenAdminsAsync(language: language);
        browser.Tick("Input.Role", value: role.ToString());
        await browser.SubmitAsync("#invite-form", new Dictionary<string, string> { ["Input.Email"] = email });
        return browser;
    }

    /// <summary>The newest invitation mailed to <paramref name="email"/> as delivered (picked up), and the path of its link.</summary>
    private async Task<(OutboxMessage Queued, MimeMessage Mail, string Path)> MailToAsync(string email)
    {
        await using var db = hub.App.CreateDbContext();
        var queued = await db.Outbox.AsNoTracking().Where(m => m.To == email).OrderByDescending(m => m.Id).FirstAsync();
        queued.Kind.Should().Be(EmailKind.AdminInvitation);
        var from = MailboxAddress.Parse(hub.App.Service<IOptions<EmailOptions>>().Value.From);
        var messageId = OutboxRelay.ToMime(queued, from).MessageId;
        MimeMessage? mail = null;
        await Eventually.HoldsAsync(async () =>
        {
            foreach (var file in Directory.Exists(hub.App.MailDirectory) ? Directory.GetFiles(hub.App.MailDirectory, "*.eml") : [])
            {
                var candidate = await MimeMessage.LoadAsync(file, TestContext.Current.CancellationToken);
                mail = candidate.MessageId == messageId ? candidate : mail;
            }

            return mail is not null;
        }, $"the invitation to {email} is picked up");
        return (queued, mail!, SetPasswordLink().Match(mail!.TextBody ?? "").Groups[1].Value);
    }

    private static Task SetPasswordAsync(PortalBrowser browser, string password, string? repeat = null) =>
        browser.SubmitAsync("#set-password-form", new Dictionary<string, string>
        {
            ["Password"] = password,
            ["Repeat"] = repeat ?? password,
        });

    [Fact]
    public async Task An_invited_admin_sets_a_password_once_from_the_mailed_link_and_is_signed_in()
    {
        const string email = "nowa.osoba@partner.example";
        var admins = await InviteAsync(email, PartnerAdminRole.ReadOnly);

        admins.Path.Should().Be("/partner/admins");
        admins.StatusMessage().Should().Be($"Invitation sent to {email}.");
        await using var db = hub.App.CreateDbContext();
        var invited = await db.PartnerAdmins.AsNoTracking().SingleAsync(a => a.Email == email);
        invited.PartnerId.Should().Be(hub.Partner.Partner.Id);
        invited.Role.Should().Be(PartnerAdminRole.ReadOnly);
        invited.PasswordHash.Should().BeNull();
        var row = admins.Document.QuerySelector($"tr[data-admin='{invited.Id}']")!;
        row.QuerySelector(".state")!.TextContent.Should().StartWith("Invited, pending (link valid until 2026-11-27 09:00 UTC)");
        row.QuerySelector(".last-sign-in")!.TextContent.Should().Be("Never");
        row.QuerySelector(".role")!.TextContent.Should().Be("Read-only admin");

        var (queued, mail, path) = await MailToAsync(email);
        queued.Language.Should().Be("en");
        mail.Subject.Should().Be("Your Partner Hub administrator account");
        mail.TextBody.Should().Contain("You have been invited to administer").And.Contain("The link works once, for 3 days.");
        path.Should().NotBeEmpty();
        mail.HtmlBody.Should().Contain(path);
        var token = path.Split('/')[^1];
        var stored = await db.AdminInvitations.AsNoTracking().SingleAsync(i => i.AdminId == invited.Id);
        stored.TokenHash.Should().Be(Secrets.Hash(token)).And.NotContain(token);

        var newcomer = Anonymous();
        await newcomer.OpenAsync(path);
        newcomer.LastResponse!.Headers.CacheControl!.NoStore.Should().BeTrue();
        newcomer.Document.QuerySelector("#set-for")!.TextContent.Should().Be($"Partner Hub account: {email}");
        // A GET (a mail scanner) uses nothing.
        (await db.AdminInvitations.AsNoTracking().SingleAsync(i => i.Id == stored.Id)).UsedAt.Should().BeNull();

        await SetPasswordAsync(newcomer, NewPassword, "Something-Else-123");
        newcomer.MessageFor("Password").Should().Be("The two passwords differ.");
        await SetPasswordAsync(newcomer, "short");
        newcomer.MessageFor("Password").Should().Be("The password needs at least 12 characters.");
        await SetPasswordAsync(newcomer, "my-nowa.osoba-password");
        newcomer.MessageFor("Password").Should().Be("The password must not contain your email address.");

        await SetPasswordAsync(newcomer, NewPassword);
        newcomer.Path.Should().Be("/partner/settings");
        newcomer.StatusMessage().Should().Be("Your password is set. Welcome to Partner Hub.");
        newcomer.Document.QuerySelector(".who")!.TextContent.Should().Be($"{email} · read-only");
        var active = await db.PartnerAdmins.AsNoTracking().SingleAsync(a => a.Id == invited.Id);
        AdminPassword.Verify(active, NewPassword).Should().BeTrue();
        active.LastSignInAt.Should().Be(hub.App.Time!.GetUtcNow().UtcDateTime);

        // Single use: the link now sends the admin to sign in, and the password works there.
        var again = Anonymous();
        await again.OpenAsync(path);
        again.Document.QuerySelector("#link-state")!.GetAttribute("data-state").Should().Be("used");
        again.Document.QuerySelector("#set-password-form").Should().BeNull();
        await again.OpenAsync(again.Document.QuerySelector("main a.button")!.GetAttribute("href")!);
        await again.SubmitAsync("main form", new Dictionary<string, string> { ["Email"] = email, ["Password"] = NewPassword });
        again.Path.Should().Be("/partner/settings");

        await admins.OpenAsync("/partner/admins");
        admins.Document.QuerySelector($"tr[data-admin='{invited.Id}'] .state")!.TextContent.Should().Be("Active");
        admins.Document.QuerySelector($"tr[data-admin='{invited.Id}'] .last-sign-in")!.TextContent.Should().Be("2026-11-24 09:00 UTC");
        var audit = await db.AdminAuditEvents.AsNoTracking().SingleAsync(a => a.Target == invited.Id.ToString());
        audit.Action.Should().Be("admin.invite");
        audit.AdminId.Should().Be(hub.Admin.Id);
        audit.Data.Should().NotContain(token);
    }

    [Fact]
    public async Task A_polish_admin_sends_a_polish_invitation_and_the_page_answers_in_polish()
    {
        const string email = "zofia@partner.example";
        var admins = await InviteAsync(email, PartnerAdminRole.FullAdmin, "pl");

        admins.StatusMessage().Should().Be($"Wysłano zaproszenie do {email}.");
        var (queued, mail, path) = await MailToAsync(email);
        queued.Language.Should().Be("pl");
        mail.Subject.Should().Be("Twoje konto administratora w Centrum partnerów");
        mail.TextBody.Should().Contain("Łącze działa jednorazowo przez 3 dni.").And.Contain("Ustaw hasło: http://flowthrough.test/partner/set-password/");

        var newcomer = Anonymous("pl");
        await newcomer.OpenAsync(path);
        newcomer.Document.QuerySelector("h1")!.TextContent.Should().Be("Ustaw hasło");
        await SetPasswordAsync(newcomer, "krótkie");
        newcomer.MessageFor("Password").Should().Be("Hasło musi mieć co najmniej 12 znaków.");
        await SetPasswordAsync(newcomer, NewPassword);
        newcomer.StatusMessage().Should().Be("Hasło zostało ustawione. Witamy w Centrum partnerów.");
    }

    [Fact]
    public async Task Resending_replaces_the_link_and_an_old_or_late_link_is_refused()
    {
        const string email = "late@partner.example";
        var admins = await InviteAsync(email, PartnerAdminRole.FullAdmin);
        var (_, _, first) = await MailToAsync(email);
        await using var db = hub.App.CreateDbContext();
        var invited = await db.PartnerAdmins.AsNoTracking().SingleAsync(a => a.Email == email);

        await admins.SubmitAsync($"tr[data-admin='{invited.Id}'] form.resend-form");
        admins.StatusMessage().Should().Be($"A new invitation was sent to {email}; the earlier link no longer works.");
        var (_, _, second) = await MailToAsync(email);
        second.Should().NotBe(first);

        var newcomer = Anonymous();
        await newcomer.OpenAsync(first);
        newcomer.Document.QuerySelector("#link-state")!.TextContent.Should()
            .Be("This link has expired. Ask an administrator of your partner to send a new invitation.");
        await newcomer.OpenAsync("/partner/set-password/not-a-real-token");
        newcomer.Document.QuerySelector("#link-state")!.GetAttribute("data-state").Should().Be("unknown");

        hub.App.Time!.Advance(TimeSpan.FromDays(3));
        await newcomer.OpenAsync(second);
        newcomer.Document.QuerySelector("#link-state")!.GetAttribute("data-state").Should().Be("expired");
        // A password sent with an expired link sets nothing.
        await using (var scope = hub.App.Services.CreateAsyncScope())
        {
            var late = await scope.ServiceProvider.GetRequiredService<AdminAccounts>()
                .SetPasswordAsync(second.Split('/')[^1], NewPassword, TestContext.Current.CancellationToken);
            late.State.Should().Be(LinkState.Expired);
        }

        (await db.PartnerAdmins.AsNoTracking().SingleAsync(a => a.Id == invited.Id)).PasswordHash.Should().BeNull();
        admins = await OpenAdminsAsync(); // three days on, the earlier Partner Hub session has expired too

        admins.Document.QuerySelector($"tr[data-admin='{invited.Id}'] .state")!.TextContent.Should().Be("Invited, the link has expired");
    }

    [Fact]
    public async Task Inviting_an_existing_admin_or_a_bad_address_is_refused_with_a_message()
    {
        var other = await hub.App.CreatePartnerAsync();
        var otherAdmin = await HubFixture.AddAdminAsync(hub.App, other, PartnerAdminRole.FullAdmin);

        var admins = await InviteAsync("not an address", PartnerAdminRole.FullAdmin);
        admins.MessageFor("Input.Email").Should().Be("Enter an email address, e.g. name@example.com.");
        await admins.SubmitAsync("#invite-form", new Dictionary<string, string> { ["Input.Email"] = hub.ReadOnlyAdmin.Email });
        admins.MessageFor("Input.Email").Should().Be($"{hub.ReadOnlyAdmin.Email} is already an administrator.");
        await admins.SubmitAsync("#invite-form", new Dictionary<string, string> { ["Input.Email"] = otherAdmin.Email });
        admins.MessageFor("Input.Email").Should().Be($"{otherAdmin.Email} is an administrator of another partner and cannot be invited.");
        admins.Html().Should().NotContain(otherAdmin.Id.ToString());

        await using var db = hub.App.CreateDbContext();
        (await db.Outbox.CountAsync()).Should().Be(0);
    }

    [Fact]
    public async Task Roles_change_at_the_next_click_and_the_last_full_admin_is_kept()
    {
        var admins = await OpenAdminsAsync();
        var readOnlySession = await hub.SignInAsync(hub.ReadOnlyAdmin);
        await readOnlySession.OpenAsync("/partner/admins");
        readOnlySession.Document.QuerySelector("#invite-form").Should().BeNull();

        // The only full admin cannot make themselves read-only, nor be removed.
        admins.Choose("role", nameof(PartnerAdminRole.ReadOnly));
        await admins.SubmitAsync($"tr[data-admin='{hub.Admin.Id}'] form.role-form");
        admins.StatusMessage().Should().Be(
            $"Refused: {hub.Admin.Email} is the last full admin who can sign in. Make someone else a full admin first.");
        await admins.OpenAsync($"/partner/admins/{hub.Admin.Id}/remove");
        await admins.SubmitAsync("#remove-form");
        admins.StatusMessage().Should().StartWith("Refused:");

        await admins.OpenAsync("/partner/admins");
        await admins.SubmitAsync($"tr[data-admin='{hub.ReadOnlyAdmin.Id}'] form.role-form",
            new Dictionary<string, string> { ["role"] = nameof(PartnerAdminRole.FullAdmin) });
        admins.StatusMessage().Should().Be($"{hub.ReadOnlyAdmin.Email} is now: Full admin.");
        admins.Document.QuerySelector($"tr[data-admin='{hub.ReadOnlyAdmin.Id}'] .role")!.TextContent.Should().Be("Full admin");

        // The promoted admin's open session changes at once, without signing in again.
        await readOnlySession.OpenAsync("/partner/admins");
        readOnlySession.Document.QuerySelector("#invite-form").Should().NotBeNull();
        readOnlySession.Document.QuerySelector(".who")!.TextContent.Should().Be(hub.ReadOnlyAdmin.Email);

        await using var db = hub.App.CreateDbContext();
        var audit = await db.AdminAuditEvents.AsNoTracking().SingleAsync(a => a.Action == "admin.role");
        audit.Target.Should().Be(hub.ReadOnlyAdmin.Id.ToString());
        audit.Data.Should().Contain("FullAdmin");
        (await db.PartnerAdmins.AsNoTracking().SingleAsync(a => a.Id == hub.Admin.Id)).Role.Should().Be(PartnerAdminRole.FullAdmin);
    }

    [Fact]
    public async Task Removing_asks_first_ends_the_removed_session_and_removing_yourself_signs_you_out()
    {
        var admins = await OpenAdminsAsync();
        var removedSession = await hub.SignInAsync(hub.ReadOnlyAdmin);

        await admins.OpenAsync(admins.Document.QuerySelector($"tr[data-admin='{hub.ReadOnlyAdmin.Id}'] a.remove-link")!.GetAttribute("href")!);
        admins.Document.QuerySelector("#remove-question")!.TextContent.Should()
            .Be($"Remove {hub.ReadOnlyAdmin.Email}? They can no longer sign in to Partner Hub.");
        admins.Document.QuerySelector("#remove-self").Should().BeNull();
        await admins.SubmitAsync("#remove-form");
        admins.StatusMessage().Should().Be($"{hub.ReadOnlyAdmin.Email} was removed.");
        admins.Document.QuerySelector($"tr[data-admin='{hub.ReadOnlyAdmin.Id}']").Should().BeNull();

        await removedSession.OpenAsync("/partner/settings");
        removedSession.Path.Should().Be("/partner/signin");

        // With a second full admin, removing yourself is allowed, after a warning, and signs you out.
        var second = await HubFixture.AddAdminAsync(hub.App, hub.Partner, PartnerAdminRole.FullAdmin);
        await admins.OpenAsync($"/partner/admins/{hub.Admin.Id}/remove");
        admins.Document.QuerySelector("#remove-self")!.TextContent.Should().Be("This is your own account: you will be signed out at once.");
        await admins.SubmitAsync("#remove-form");
        admins.Path.Should().Be("/partner/signin");
        await admins.OpenAsync("/partner/admins");
        admins.Path.Should().Be("/partner/signin");

        await using var db = hub.App.CreateDbContext();
        (await db.PartnerAdmins.AsNoTracking().Select(a => a.Id).Where(id => id != second.Id)
            .Where(id => id == hub.Admin.Id || id == hub.ReadOnlyAdmin.Id).CountAsync()).Should().Be(0);
        var removals = await db.AdminAuditEvents.AsNoTracking().Where(a => a.Action == "admin.remove").ToListAsync();
        removals.Select(a => a.Target).Should().BeEquivalentTo([hub.ReadOnlyAdmin.Id.ToString(), hub.Admin.Id.ToString()]);
    }

    [Fact]
    public async Task A_read_only_admin_sees_the_administrators_and_changes_nothing()
    {
        var browser = await OpenAdminsAsync(hub.ReadOnlyAdmin);

        browser.Document.QuerySelector("#read-only-note")!.TextContent.Should()
            .Be("You are a read-only admin: you see the administrators but cannot change them.");
        browser.Document.QuerySelectorAll("#admins tbody tr").Should().HaveCount(2);
        browser.Document.QuerySelector("form.role-form").Should().BeNull();
        browser.Document.QuerySelector("#invite-form").Should().BeNull();

        // What a full admin's forms would post is refused for a read-only admin, antiforgery token and all.
        var antiforgery = browser.Document.QuerySelector<IHtmlInputElement>(
            "input[name=__RequestVerificationToken]")!.Value;
        foreach (var (url, fields) in new (string, Dictionary<string, string>)[]
                 {
                     ("/partner/admins", new() { ["Input.Email"] = "sneaky@partner.example", ["Input.Role"] = "FullAdmin" }),
                     ($"/partner/admins?handler=Role&id={hub.ReadOnlyAdmin.Id}", new() { ["role"] = "FullAdmin" }),
                     ($"/partner/admins/{hub.Admin.Id}/remove", new()),
                 })
        {
            fields["__RequestVerificationToken"] = antiforgery;
            using var response = await browser.Client.PostAsync(url, new FormUrlEncodedContent(fields));
            response.StatusCode.Should().Be(HttpStatusCode.Forbidden, url);
        }

        await using var db = hub.App.CreateDbContext();
        var admins = await db.PartnerAdmins.AsNoTracking().Where(a => a.PartnerId == hub.Partner.Partner.Id).ToListAsync();
        admins.Should().HaveCount(2);
        admins.Single(a => a.Id == hub.ReadOnlyAdmin.Id).Role.Should().Be(PartnerAdminRole.ReadOnly);
    }

    [Fact]
    public async Task Two_full_admins_removing_each_other_at_once_leave_one()
    {
        var second = await HubFixture.AddAdminAsync(hub.App, hub.Partner, PartnerAdminRole.FullAdmin);
        var partnerId = hub.Partner.Partner.Id;

        async Task<AdminChange> RemoveAsync(Guid id)
        {
            await using var scope = hub.App.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<AdminAccounts>()
                .RemoveAsync(partnerId, id, null, TestContext.Current.CancellationToken);
        }

        var outcomes = await Task.WhenAll(RemoveAsync(hub.Admin.Id), RemoveAsync(second.Id));

        outcomes.Should().BeEquivalentTo([AdminChange.Done, AdminChange.LastFullAdmin]);
        await using var db = hub.App.CreateDbContext();
        (await db.PartnerAdmins.CountAsync(a => a.PartnerId == partnerId && a.Role == PartnerAdminRole.FullAdmin)).Should().Be(1);
    }

    [Fact]
    public async Task The_administrators_pages_need_a_sign_in_and_another_partners_admin_is_404()
    {
        var anonymous = Anonymous();
        foreach (var path in new[] { "/partner/admins", $"/partner/admins/{hub.Admin.Id}/remove" })
        {
            await anonymous.OpenAsync(path);
            anonymous.Path.Should().Be("/partner/signin", path);
        }

        var other = await hub.App.CreatePartnerAsync();
        var stranger = await HubFixture.AddAdminAsync(hub.App, other, PartnerAdminRole.FullAdmin);
        var browser = await OpenAdminsAsync();
        browser.Html().Should().NotContain(stranger.Email);
        await browser.OpenAsync($"/partner/admins/{stranger.Id}/remove");
        browser.Status.Should().Be(HttpStatusCode.NotFound);
    }
}
