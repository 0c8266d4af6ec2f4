using System.Net;
using AngleSharp.Dom;
using Flowthrough.Subscribers;
using Microsoft.EntityFrameworkCore;
using static Flowthrough.Tests.PartnerHub.Users.UserStatusSeed;

namespace Flowthrough.Tests.PartnerHub.Users;

public sealed class UserStatusBulkTests : IAsyncLifetime
{
    private HubFixture hub = null!;

    public async ValueTask InitializeAsync() => hub = await HubFixture.StartAsync();

    public async ValueTask DisposeAsync() => await hub.DisposeAsync();

    private TestPartner P => hub.Partner;

    private async Task<Dictionary<string, Subscriber>> AllAsync()
    {
        await using var db = hub.App.CreateDbContext();
        return await db.Subscribers.AsNoTracking().Where(s => s.PartnerId == P.Partner.Id).ToDictionaryAsync(s => s.UserId);
    }

    [Fact]
    public async Task Retry_activation_on_all_rows_matching_the_filter_never_trusts_an_unverified_email()
    {
        await AddAsync(hub, Failed(P, "err1", Start), Failed(P, "err2", Start.AddMinutes(1)),
            Pending(P, "noemail", Start.AddMinutes(2)), Pending(P, "unverified", Start.AddMinutes(3), email: "own@firma.example"),
            Provisioned(P, "done", Start.AddMinutes(4)));
        var browser = await hub.SignInAsync();
        await browser.OpenAsync(UsersPath(hub) + "?exclude=true");
        // The bulk form is a GET that carries the current filter; a browser sends its fields as the query.
        var form = browser.Document.QuerySelector("#bulk")!;
        form.QuerySelector("input[name=exclude]")!.GetAttribute("value").Should().Be("true");

        await browser.OpenAsync($"{UsersPath(hub)}/bulk?exclude=true&action=retry&scope=all");

        browser.Document.QuerySelector("#confirm-text")!.TextContent.Should().Contain("all 4 user(s)");
        browser.Document.QuerySelector("#retry-explain")!.TextContent.Should().Contain("already verified or trusted");
        await browser.SubmitAsync("main form[method=post]");
        // Every row matching the filter is a background job; its page ends in the report.
        var jobPage = browser.Path;
        jobPage.Should().Contain("/users/jobs/");
        await BulkJobs.BulkJobTestData.DrainAsync(hub.App);
        await browser.OpenAsync(jobPage);

        browser.Document.QuerySelector("#succeeded")!.TextContent.Should().Be("Succeeded: 2");
        browser.Document.QuerySelector("#skipped")!.TextContent.Should().Be("Skipped: 2");
        browser.Text.Should().Contain("no email typed, and the user's own email is not verified")
            .And.Contain("noemail").And.Contain("unverified");
        var all = await AllAsync();
        all["err1"].Status.Should().Be(SubscriberStatus.Provisioning);
        all["err2"].EmailTrusted.Should().BeTrue();
        all["noemail"].Status.Should().Be(SubscriberStatus.PendingEmailInput);
        all["unverified"].Status.Should().Be(SubscriberStatus.PendingEmailInput);
        all["unverified"].EmailTrusted.Should().BeFalse("the subscriber's own entry is never promoted to trusted");
        all["done"].Status.Should().Be(SubscriberStatus.Provisioned, "the filter left it out");
        await using var db = hub.App.CreateDbContext();
        var audit = await db.AdminAuditEvents.SingleAsync(a => a.Action == "bulk_retry");
        audit.Data.Should().Contain("\"succeeded\":2").And.Contain("\"skipped\":2");
    }

    [Fact]
    public async Task Retry_activation_on_all_matching_uses_the_csv_emails_and_the_ended_job_forgets_them()
    {
        await AddAsync(hub, Pending(P, "noemail", Start), Pending(P, "other", Start.AddMinutes(1)));
        var browser = await hub.SignInAsync();
        await browser.OpenAsync($"{UsersPath(hub)}/bulk?q=noemail&action=retry&scope=all");
        await browser.SubmitAsync("main form[method=post]", new Dictionary<string, string>
        {
            ["EmailCsv"] = "noemail,jan@firma.example\nother,ewa@firma.example\nbroken",
        });
        await BulkJobs.BulkJobTestData.DrainAsync(hub.App);
        await browser.OpenAsync(browser.Path);

        browser.Document.QuerySelector("#succeeded")!.TextContent.Should().Be("Succeeded: 1");
        browser.Document.QuerySelector("#skipped")!.TextContent.Should().Be("Skipped: 2");
        browser.Text.Should().Contain("CSV line 3 is not userId,email")
            .And.Contain("the CSV names a user who is not among the selected users");
        var after = await AllAsync();
        after["noemail"].Email.Should().Be("jan@firma.example");
        after["other"].Status.Should().Be(SubscriberStatus.PendingEmailInput, "the filter left it out");
        var job = await BulkJobs.BulkJobTestData.JobAsync(hub.App);
        job.Total.Should().Be(3, "one matching row and two CSV lines the job could not use");
        job.Targets.Should().NotContain("jan@firma.example", "an ended job keeps no typed address");
    }

    [Fact]
    public async Task Retry_activation_on_selected_rows_uses_the_email_typed_for_each_row()
    {
        await AddAsync(hub, Pending(P, "unverified", Start, email: "own@firma.example"), Pending(P, "noemail", Start.AddMinutes(1)));
        var all = await AllAsync();
        var browser = await hub.SignInAsync();

        await browser.OpenAsync($"{UsersPath(hub)}/bulk?action=retry&scope=selected&ids={all["unverified"].Id}&ids={all["noemail"].Id}");
        var fields = browser.Document.QuerySelectorAll("#retry-emails tbody tr");
        fields.Select(r => r.GetAttribute("data-user-id")).Should().Equal("noemail", "unverified");
        await browser.SubmitAsync("main form[method=post]", new Dictionary<string, string>
        {
            [$"Emails[{all["unverified"].Id}]"] = "checked.by.admin@firma.example",
        });

        browser.Document.QuerySelector("#succeeded")!.TextContent.Should().Be("Succeeded: 1");
        var after = await AllAsync();
        after["unverified"].Status.Should().Be(SubscriberStatus.Provisioning);
        after["unverified"].Email.Should().Be("checked.by.admin@firma.example");
        after["unverified"].EmailTrusted.Should().BeTrue("the admin typed and vouched for it");
        after["noemail"].Status.Should().Be(SubscriberStatus.PendingEmailInput);
    }

    [Fact]
    public async Task Retry_activation_takes_emails_as_csv_lines_and_reports_lines_it_cannot_use()
    {
        await AddAsync(hub, Pending(P, "noemail", Start), Pending(P, "other", Start.AddMinutes(1)));
        var all = await AllAsync();
        var browser = await hub.SignInAsync();

        await browser.OpenAsync($"{UsersPath(hub)}/bulk?action=retry&scope=selected&ids={all["noemail"].Id}");
        await browser.SubmitAsync("main form[method=post]", new Dictionary<string, string>
        {
            // As a spreadsheet in a Polish locale saves it: semicolons, quotes, a header.
            ["EmailCsv"] = "userId;email\n\"noemail\";\"jan@firma.example\"\nother;ewa@firma.example\nbroken line",
        });

        browser.Document.QuerySelector("#succeeded")!.TextContent.Should().Be("Succeeded: 1");
        browser.Text.Should().Contain("CSV line 4 is not userId,email")
            .And.Contain("the CSV names a user who is not among the selected users");
        var after = await AllAsync();
        after["noemail"].Email.Should().Be("jan@firma.example");
        after["noemail"].Status.Should().Be(SubscriberStatus.Provisioning);
        after["other"].Status.Should().Be(SubscriberStatus.PendingEmailInput, "it was not selected");
    }

    [Fact]
    public async Task Bulk_delete_abandons_queued_mail_and_drops_verifications_like_single_delete()
    {
        await AddAsync(hub, Pending(P, "waiting", Start, email: "waiting@firma.example"));
        var all = await AllAsync();
        var id = all["waiting"].Id;
        await using (var db = hub.App.CreateDbContext())
        {
            db.EmailVerifications.Add(new Flowthrough.Email.EmailVerification
            {
                SubscriberId = id, Email = "waiting@firma.example", LinkTokenHash = "hash-of-a-link", CodeHash = "hash-of-a-code",
                Created = Start, ExpiresAt = Start.AddDays(1),
            });
            db.Outbox.Add(new Flowthrough.Email.OutboxMessage
            {
                SubscriberId = id, PartnerId = P.Partner.Id, To = "waiting@firma.example", Language = "en",
                Subject = "Verify", Html = "<p>Your code is 123456</p>", Text = "Your code is 123456",
                // Queued for a later retry, so the relay of the test host does not send it first.
                Status = Flowthrough.Email.OutboxStatus.Queued, Created = Start, NextAttemptAt = DateTime.UtcNow.AddHours(1),
                DedupeKey = "verify:test",
            });
            await db.SaveChangesAsync();
        }

        var browser = await hub.SignInAsync();
        await browser.OpenAsync($"{UsersPath(hub)}/bulk?action=delete&scope=selected&ids={id}");
        await browser.SubmitAsync("main form[method=post]");

        browser.Document.QuerySelector("#succeeded")!.TextContent.Should().Be("Succeeded: 1");
        await using var after = hub.App.CreateDbContext();
        (await after.Subscribers.AnyAsync(s => s.Id == id)).Should().BeFalse();
        (await after.EmailVerifications.AnyAsync(v => v.SubscriberId == id)).Should().BeFalse();
        var mail = await after.Outbox.SingleAsync(m => m.SubscriberId == id);
        mail.Status.Should().Be(Flowthrough.Email.OutboxStatus.Abandoned);
        mail.Text.Should().NotContain("123456");
        mail.Html.Should().NotContain("123456");
        (await after.SubscriberEvents.Where(e => e.SubscriberId == id).Select(e => e.Kind).ToListAsync())
            .Should().Contain("deleted", "the timeline outlives the subscriber");
    }

    [Fact]
    public async Task Change_package_and_delete_on_selected_rows()
    {
        await AddAsync(hub, Provisioned(P, "a", Start), Provisioned(P, "b", Start.AddMinutes(1)), Failed(P, "c", Start.AddMinutes(2)));
        var all = await AllAsync();
        var browser = await hub.SignInAsync();
        await browser.OpenAsync(UsersPath(hub));

        await browser.OpenAsync($"{UsersPath(hub)}/bulk?action=package&package=premium&scope=selected&ids={all["a"].Id}&ids={all["c"].Id}");
        browser.Document.QuerySelector("#confirm-text")!.TextContent.Should().Contain("Change Package Type to Premium: 2 selected");
        await browser.SubmitAsync("main form[method=post]");
        browser.Document.QuerySelector("#succeeded")!.TextContent.Should().Be("Succeeded: 2");

        await browser.OpenAsync($"{UsersPath(hub)}/bulk?action=delete&scope=selected&ids={all["b"].Id}");
        await browser.SubmitAsync("main form[method=post]");

        var after = await AllAsync();
        after["a"].Package.Should().Be(SubscriberPackage.Premium);
        after["a"].Status.Should().Be(SubscriberStatus.Updating);
        after["c"].Package.Should().Be(SubscriberPackage.Premium);
        after.Should().NotContainKey("b");
    }

    [Fact]
    public async Task Nothing_selected_or_no_action_is_explained_and_a_read_only_admin_cannot_confirm()
    {
        await AddAsync(hub, Failed(P, "err1", Start));
        var browser = await hub.SignInAsync();

        await browser.OpenAsync($"{UsersPath(hub)}/bulk?action=retry&scope=selected");
        browser.Text.Should().Contain("Select at least one user");
        await browser.OpenAsync($"{UsersPath(hub)}/bulk?scope=all");
        browser.Text.Should().Contain("Choose a bulk action.");

        var readOnly = await hub.SignInAsync(hub.ReadOnlyAdmin);
        await readOnly.OpenAsync($"{UsersPath(hub)}/bulk?action=delete&scope=all");
        readOnly.Document.QuerySelector("main form[method=post] button[type=submit]")!.HasAttribute("disabled").Should().BeTrue();
        var token = readOnly.Document.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        var response = await readOnly.Client.PostAsync($"{UsersPath(hub)}/bulk", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["action"] = "delete",
            ["scope"] = "all",
            ["__RequestVerificationToken"] = token,
        }));
        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await AllAsync()).Should().ContainKey("err1");
    }

    [Fact]
    public async Task Another_partners_template_is_404()
    {
        var other = await hub.App.CreatePartnerAsync();
        var browser = await hub.SignInAsync();

        await browser.OpenAsync($"/partner/templates/{other.Template.Id}/users/bulk?action=delete&scope=all");

        browser.Status.Should().Be(HttpStatusCode.NotFound);
    }
}
