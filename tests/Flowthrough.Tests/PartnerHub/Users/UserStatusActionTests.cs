using System.Net;
using AngleSharp.Dom;
using Flowthrough.Activation;
using Flowthrough.Subscribers;
using Microsoft.EntityFrameworkCore;
using static Flowthrough.Tests.PartnerHub.Users.UserStatusSeed;

namespace Flowthrough.Tests.PartnerHub.Users;

public sealed class UserStatusActionTests : IAsyncLifetime
{
    private HubFixture hub = null!;

    public async ValueTask InitializeAsync() => hub = await HubFixture.StartAsync(fakeTime: true);

    public async ValueTask DisposeAsync() => await hub.DisposeAsync();

    private TestPartner P => hub.Partner;

    private DateTime Now => hub.App.Time!.GetUtcNow().UtcDateTime;

    private static string Form(string action) => $"form.action-{action}";

    private static string Item(string userId, string action) =>
        $"tr[data-user-id='{userId}'] .row-menu [role=menuitem][data-action={action}]";

    /// <summary>Follows the row's "⋯" menu item to the action's own page, as a browser without JavaScript does.</summary>
    private static async Task OpenActionAsync(PortalBrowser browser, string userId, string action)
    {
        var href = browser.Document.QuerySelector(Item(userId, action))?.GetAttribute("href")
            ?? throw new InvalidOperationException($"The {action} item of {userId} is not a link.");
        await browser.OpenAsync(href);
        browser.Status.Should().Be(HttpStatusCode.OK);
    }

    /// <summary>The reason a disabled menu item gives, read through its aria-describedby.</summary>
    private static string WhyDisabled(PortalBrowser browser, string userId, string action)
    {
        var item = browser.Document.QuerySelector(Item(userId, action))!;
        item.GetAttribute("aria-disabled").Should().Be("true");
        item.HasAttribute("href").Should().BeFalse();
        return browser.Document.GetElementById(item.GetAttribute("aria-describedby")!)!.TextContent;
    }

    private async Task<Subscriber> LoadAsync(Guid id)
    {
        await using var db = hub.App.CreateDbContext();
        return await db.Subscribers.AsNoTracking().SingleAsync(s => s.Id == id);
    }

    private async Task<List<SubscriberEvent>> EventsAsync(Guid id)
    {
        await using var db = hub.App.CreateDbContext();
        return await db.SubscriberEvents.Where(e => e.SubscriberId == id).OrderBy(e => e.Id).ToListAsync();
    }

    private async Task<List<Partners.AdminAuditEvent>> AuditAsync()
    {
        await using var db = hub.App.CreateDbContext();
        return await db.AdminAuditEvents.Where(a => a.PartnerId == P.Partner.Id).OrderBy(a => a.Id).ToListAsync();
    }

    [Fact]
    public async Task Retry_activation_onboards_with_a_trusted_email_and_keeps_the_filters()
    {
        var failed = Failed(P, "err1", Start);
        await AddAsync(hub, failed, Failed(P, "err2", Start.AddHours(1)));
        var browser = await hub.SignInAsync();
        await browser.OpenAsync($"{UsersPath(hub)}?status=error&sort=userid&dir=asc");
        await OpenActionAsync(browser, "err1", "retry");
        browser.Document.QuerySelector("#action-title")!.TextContent.Should().Be("Retry Activation");

        await browser.SubmitAsync(Form("retry"), new Dictionary<string, string> { ["email"] = "  ewa@work.example " });

        browser.Status.Should().Be(HttpStatusCode.OK);
        browser.Path.Should().Be(UsersPath(hub));
        browser.LastResponse!.RequestMessage!.RequestUri!.Query.Should().Be("?status=error&sort=userid&dir=asc");
        browser.Document.QuerySelector(".notice")!.TextContent.Should()
            .Be("Activation of Jan Kowalski (err1) was retried with ewa@work.example; provisioning has started.");
        ShownUserIds(browser).Should().Equal("err2");

        var saved = await LoadAsync(failed.Id);
        saved.Status.Should().Be(SubscriberStatus.Provisioning);
        saved.Email.Should().Be("ewa@work.example");
        saved.EmailTrusted.Should().BeTrue();
        saved.NextAttemptAt.Should().Be(Now);
        saved.ErrorCode.Should().BeNull();
        var retry = (await EventsAsync(failed.Id)).Last();
        retry.Kind.Should().Be("retry_activation");
        retry.Actor.Should().Be($"admin:{hub.Admin.Id}");
        retry.FromStatus.Should().Be("error");
        retry.ToStatus.Should().Be("provisioning");
        var audit = (await AuditAsync()).Single();
        audit.Action.Should().Be("retry_activation");
        audit.AdminId.Should().Be(hub.Admin.Id);
        audit.Target.Should().Be($"subscriber:{failed.Id}");
    }

    [Fact]
    public async Task Retry_activation_with_an_invalid_email_says_so_and_changes_nothing()
    {
        var pending = Pending(P, "pend1", Start);
        await AddAsync(hub, pending);
        var browser = await hub.SignInAsync(language: "pl");
        await browser.OpenAsync(UsersPath(hub));
        await OpenActionAsync(browser, "pend1", "retry");

        await browser.SubmitAsync(Form("retry"), new Dictionary<string, string> { ["email"] = "not an email" });

        browser.Status.Should().Be(HttpStatusCode.OK);
        browser.Path.Should().EndWith($"/{pending.Id}/retry", "the form comes back with its message");
        browser.Document.QuerySelector("#retry-error")!.TextContent.Should().Be("Wprowadź prawidłowy adres e-mail.");
        var field = browser.Document.QuerySelector("#retry-email")!;
        field.GetAttribute("aria-invalid").Should().Be("true");
        field.GetAttribute("aria-describedby").Should().Be("retry-error");
        field.GetAttribute("value").Should().Be("not an email");
        (await LoadAsync(pending.Id)).Status.Should().Be(SubscriberStatus.PendingEmailInput);
        (await AuditAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task Retry_activation_is_disabled_with_a_reason_for_provisioned_and_in_progress_users()
    {
        var provisioned = Provisioned(P, "prov1", Start);
        await AddAsync(hub, provisioned, InProgress(P, "prog1", Start));
        var browser = await hub.SignInAsync();
        await browser.OpenAsync(UsersPath(hub));

        WhyDisabled(browser, "prov1", "retry").Should().Be("The user is already provisioned.");
        WhyDisabled(browser, "prog1", "retry").Should().Be("Provisioning is in progress; wait until it finishes.");
        // A package change is safe in every status: an engine attempt in flight is redone with the new package.
        browser.Document.QuerySelector(Item("prog1", "package"))!.HasAttribute("aria-disabled").Should().BeFalse();
        browser.Document.QuerySelector(Item("prov1", "package"))!.HasAttribute("href").Should().BeTrue();
        // The help page's order, then Details.
        browser.Document.QuerySelectorAll("tr[data-user-id='prov1'] .row-menu [role=menuitem]")
            .Select(i => i.GetAttribute("data-action")).Should().Equal("retry", "delete", "package", "error", "details");

        // The action's own page (typed or bookmarked) shows the form disabled with the reason; a forged post (a
        // browser sends nothing from a disabled fieldset) is refused by the status check, with a message.
        await browser.OpenAsync($"{UsersPath(hub)}/{provisioned.Id}/retry");
        browser.Document.QuerySelector($"{Form("retry")} fieldset")!.HasAttribute("disabled").Should().BeTrue();
        browser.Document.QuerySelector($"{Form("retry")} .why")!.TextContent.Should().Be("The user is already provisioned.");
        await browser.SubmitAsync(Form("retry"), new Dictionary<string, string> { ["email"] = "a@b.example" });
        browser.Status.Should().Be(HttpStatusCode.OK);
        browser.Document.QuerySelector(".notice")!.TextContent.Should().Contain("(provisioned) does not allow this action");
        (await LoadAsync(provisioned.Id)).Status.Should().Be(SubscriberStatus.Provisioned);
    }

    [Fact]
    public async Task Delete_user_removes_the_row_keeps_the_timeline_and_the_user_can_onboard_again()
    {
        var failed = Failed(P, "gone", Start, "Ewa", "Zielińska");
        await AddAsync(hub, failed);
        var browser = await hub.SignInAsync();
        await browser.OpenAsync($"{UsersPath(hub)}?exclude=true");
        await OpenActionAsync(browser, "gone", "delete");
        browser.Document.QuerySelector(".confirm-text")!.TextContent.Should()
            .Be("Delete Ewa Zielińska (gone)? The timeline is kept and the user can onboard again.");

        await browser.SubmitAsync(Form("delete"));

        browser.LastResponse!.RequestMessage!.RequestUri!.Query.Should().Be("?exclude=true");
        browser.Document.QuerySelector(".notice")!.TextContent.Should()
            .Be("Ewa Zielińska (gone) was deleted. The timeline is kept and the user can onboard again.");
        ShownUserIds(browser).Should().BeEmpty();
        await using (var db = hub.App.CreateDbContext())
        {
            (await db.Subscribers.AnyAsync(s => s.Id == failed.Id)).Should().BeFalse();
        }

        var deleted = (await EventsAsync(failed.Id)).Last();
        deleted.Kind.Should().Be("deleted");
        deleted.Actor.Should().Be($"admin:{hub.Admin.Id}");
        (await AuditAsync()).Single().Action.Should().Be("delete_user");

        var again = InProgress(P, "gone", Now);
        await AddAsync(hub, again);
        await browser.OpenAsync(UsersPath(hub));
        ShownUserIds(browser).Should().Equal("gone");
    }

    [Fact]
    public async Task Change_package_type_sends_a_provisioned_user_through_updating()
    {
        var provisioned = Provisioned(P, "prov1", Start);
        var pending = Pending(P, "pend1", Start);
        await AddAsync(hub, provisioned, pending);
        var browser = await hub.SignInAsync();
        await browser.OpenAsync(UsersPath(hub));
        await OpenActionAsync(browser, "prov1", "package");
        var options = browser.Document.QuerySelectorAll($"{Form("package")} input[name=package]").ToList();
        options.Select(o => o.GetAttribute("value")).Should().Equal("softphone", "basic", "standard", "premium");
        options.Single(o => o.HasAttribute("checked")).ParentElement!.TextContent.Trim().Should().Be("Basic (current)");

        await browser.SubmitAsync(Form("package"), new Dictionary<string, string> { ["package"] = "premium" });

        browser.Document.QuerySelector(".notice")!.TextContent.Should()
            .Be("The package type of Jan Kowalski (prov1) is now Premium; the change is being provisioned.");
        var saved = await LoadAsync(provisioned.Id);
        saved.Package.Should().Be(SubscriberPackage.Premium);
        saved.Status.Should().Be(SubscriberStatus.Updating);
        saved.NextAttemptAt.Should().Be(Now);
        var changed = (await EventsAsync(provisioned.Id)).Last();
        changed.Kind.Should().Be("package_changed");
        changed.ToStatus.Should().Be("updating");
        changed.Data.Should().Be("{\"package\":\"premium\",\"previous\":\"basic\"}");
        browser.Document.QuerySelector("tr[data-user-id='prov1'] td.status")!.TextContent.Should().Contain("In progress");

        await OpenActionAsync(browser, "pend1", "package");
        await browser.SubmitAsync(Form("package"), new Dictionary<string, string> { ["package"] = "standard" });
        browser.Document.QuerySelector(".notice")!.TextContent.Should().Be("The package type of Jan Kowalski (pend1) is now Standard.");
        (await LoadAsync(pending.Id)).Should().Match<Subscriber>(s =>
            s.Package == SubscriberPackage.Standard && s.Status == SubscriberStatus.PendingEmailInput);
        (await AuditAsync()).Select(a => a.Action).Should().Equal("change_package", "change_package");
    }

    [Fact]
    public async Task Copy_error_text_holds_code_description_reference_and_time_and_is_disabled_without_an_error()
    {
        var failed = Failed(P, "err1", Start);
        await AddAsync(hub, failed, Pending(P, "pend1", Start));
        var browser = await hub.SignInAsync();
        await browser.OpenAsync(UsersPath(hub));

        var expected = $"Error 7002: {ErrorCatalog.EmailInOtherOrganization.English}\n" +
            $"Reference: {SubscriberDisplay.ReferenceOf(failed.Id)}\nTime: 2026-11-20T08:00:00.000Z";
        var copy = browser.Document.QuerySelector(Item("err1", "error"))!;
        copy.HasAttribute("aria-disabled").Should().BeFalse();
        copy.GetAttribute("data-error-text").Should().Be(expected);
        WhyDisabled(browser, "pend1", "error").Should().Be("The user has no error.");
        browser.Document.QuerySelector(Item("pend1", "error"))!.HasAttribute("data-error-text").Should().BeFalse();

        // Without JavaScript the item opens a page with the text to select.
        await OpenActionAsync(browser, "err1", "error");
        browser.Document.QuerySelector<AngleSharp.Html.Dom.IHtmlTextAreaElement>("#error-text")!.Value.Should().Be(expected);

        var polish = await hub.SignInAsync(language: "pl");
        await polish.OpenAsync(UsersPath(hub));
        polish.Document.QuerySelector(Item("err1", "error"))!.GetAttribute("data-error-text").Should()
            .StartWith($"Błąd 7002: {ErrorCatalog.EmailInOtherOrganization.Polish}\nNumer referencyjny: FT-");
    }

    [Fact]
    public async Task Only_a_change_of_the_same_field_meanwhile_is_a_conflict_and_it_says_what_to_do()
    {
        var failed = Failed(P, "err1", Start);
        await AddAsync(hub, failed);
        var browser = await hub.SignInAsync();
        await browser.OpenAsync(UsersPath(hub));
        await OpenActionAsync(browser, "err1", "package");

        // Another admin changes the package while this one has the page open (it showed Basic).
        await using (var db = hub.App.CreateDbContext())
        {
            var s = await db.Subscribers.SingleAsync(x => x.Id == failed.Id);
            s.ChangePackage(SubscriberPackage.Premium, Actors.Admin(Guid.NewGuid()), Start.AddMinutes(30));
            await db.SaveChangesAsync();
        }

        await browser.SubmitAsync(Form("package"), new Dictionary<string, string> { ["package"] = "standard" });
        browser.Document.QuerySelector(".notice")!.TextContent.Should()
            .Be("The package of Jan Kowalski (err1) was changed by someone else in the meantime (it is now Premium), " +
                "so nothing was changed. Choose the package again.");
        (await LoadAsync(failed.Id)).Package.Should().Be(SubscriberPackage.Premium);

        // The subscriber's own Try again meanwhile changes other fields: the admin's Retry Activation still goes ahead.
        await using (var db = hub.App.CreateDbContext())
        {
            var s = await db.Subscribers.SingleAsync(x => x.Id == failed.Id);
            s.TryAgain(emailWasTheProblem: true, Actors.Subscriber, Start.AddHours(1));
            await db.SaveChangesAsync();
        }

        await OpenActionAsync(browser, "err1", "retry");
        await browser.SubmitAsync(Form("retry"), new Dictionary<string, string> { ["email"] = "x@work.example" });
        browser.Document.QuerySelector(".notice")!.TextContent.Should().Contain("x@work.example");
        var retried = await LoadAsync(failed.Id);
        retried.Status.Should().Be(SubscriberStatus.Provisioning);
        retried.Email.Should().Be("x@work.example");
        (await AuditAsync()).Select(a => a.Action).Should().Equal("retry_activation");
    }

    [Fact]
    public async Task A_read_only_admin_sees_disabled_actions_and_every_action_post_is_403()
    {
        var failed = Failed(P, "err1", Start);
        await AddAsync(hub, failed);
        var browser = await hub.SignInAsync(hub.ReadOnlyAdmin);
        await browser.OpenAsync(UsersPath(hub));

        foreach (var action in new[] { "retry", "delete", "package" })
        {
            WhyDisabled(browser, "err1", action).Should().Be("Read-only admins cannot change users.", action);
        }

        // Copying changes nothing: a read-only admin may copy the error text.
        browser.Document.QuerySelector(Item("err1", "error"))!.HasAttribute("aria-disabled").Should().BeFalse();

        foreach (var (action, values) in new[]
                 {
                     ("retry", new Dictionary<string, string> { ["email"] = "a@work.example" }),
                     ("delete", new Dictionary<string, string>()),
                     ("package", new Dictionary<string, string> { ["package"] = "premium" }),
                 })
        {
            await browser.OpenAsync($"{UsersPath(hub)}/{failed.Id}/{action}");
            browser.Document.QuerySelector($"{Form(action)} fieldset")!.HasAttribute("disabled").Should().BeTrue(action);
            browser.Document.QuerySelector($"{Form(action)} .why")!.TextContent.Should().Be("Read-only admins cannot change users.");
            await browser.SubmitAsync(Form(action), values);
            browser.Status.Should().Be(HttpStatusCode.Forbidden, action);
        }

        var saved = await LoadAsync(failed.Id);
        saved.Status.Should().Be(SubscriberStatus.Error);
        saved.Package.Should().Be(SubscriberPackage.Basic);
        (await AuditAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task Another_partners_subscriber_is_404_through_any_action()
    {
        var other = await hub.App.CreatePartnerAsync();
        var foreign = Failed(other, "foreign", Start);
        await AddAsync(hub, Failed(P, "mine", Start), foreign);
        var browser = await hub.SignInAsync();

        foreach (var action in new[] { "retry", "delete", "package", "error" })
        {
            await browser.OpenAsync($"{UsersPath(hub)}/{foreign.Id}/{action}");
            browser.Status.Should().Be(HttpStatusCode.NotFound, action);
            await browser.OpenAsync($"/partner/templates/{other.Template.Id}/users/{foreign.Id}/{action}");
            browser.Status.Should().Be(HttpStatusCode.NotFound, action);
        }

        foreach (var action in new[] { "retry", "delete", "package" })
        {
            // The own row's form, pointed at the other partner's subscriber: its token is valid, the row is not ours.
            await browser.OpenAsync(UsersPath(hub));
            await OpenActionAsync(browser, "mine", action);
            browser.Document.QuerySelector(Form(action))!.SetAttribute("action", $"{UsersPath(hub)}/{foreign.Id}/{action}");
            await browser.SubmitAsync(Form(action), new Dictionary<string, string>
            {
                ["email"] = "a@work.example", ["package"] = "premium",
            });
            browser.Status.Should().Be(HttpStatusCode.NotFound, action);
        }

        await browser.OpenAsync($"{UsersPath(hub)}/{Guid.NewGuid()}/unknown");
        browser.Status.Should().Be(HttpStatusCode.NotFound);

        (await LoadAsync(foreign.Id)).Status.Should().Be(SubscriberStatus.Error);
    }
}
