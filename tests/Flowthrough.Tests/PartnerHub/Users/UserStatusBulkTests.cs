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
    public async Task Retry_activation_on_all_rows_matching_the_filter_reports_what_it_skipped_and_why()
    {
        await AddAsync(hub, Failed(P, "err1", Start), Failed(P, "err2", Start.AddMinutes(1)),
            Pending(P, "noemail", Start.AddMinutes(2)), Provisioned(P, "done", Start.AddMinutes(3)));
        var browser = await hub.SignInAsync();
        await browser.OpenAsync(UsersPath(hub) + "?exclude=true");
        // The bulk form is a GET that carries the current filter; a browser sends its fields as the query.
        var form = browser.Document.QuerySelector("#bulk")!;
        form.QuerySelector("input[name=exclude]")!.GetAttribute("value").Should().Be("true");

        await browser.OpenAsync($"{UsersPath(hub)}/bulk?exclude=true&action=retry&scope=all");

        browser.Document.QuerySelector("#confirm-text")!.TextContent.Should().Contain("all 3 user(s)");
        await browser.SubmitAsync("main form[method=post]");

        browser.Document.QuerySelector("#succeeded")!.TextContent.Should().Be("Succeeded: 2");
        browser.Document.QuerySelector("#skipped")!.TextContent.Should().Be("Skipped: 1");
        browser.Text.Should().Contain("no email address is known").And.Contain("noemail");
        var all = await AllAsync();
        all["err1"].Status.Should().Be(SubscriberStatus.Provisioning);
        all["err2"].EmailTrusted.Should().BeTrue();
        all["noemail"].Status.Should().Be(SubscriberStatus.PendingEmailInput);
        all["done"].Status.Should().Be(SubscriberStatus.Provisioned, "the filter left it out");
        await using var db = hub.App.CreateDbContext();
        var audit = await db.AdminAuditEvents.SingleAsync(a => a.Action == "bulk_retry");
        audit.Data.Should().Contain("\"succeeded\":2").And.Contain("\"skipped\":1");
    }

    [Fact]
    public async Task Change_package_and_delete_on_selected_rows()
    {
        await AddAsync(hub, Provisioned(P, "a", Start), Provisioned(P, "b", Start.AddMinutes(1)), Failed(P, "c", Start.AddMinutes(2)));
        var all = await AllAsync();
        var browser = await hub.SignInAsync();
        await browser.OpenAsync(UsersPath(hub));

        await browser.OpenAsync($"{UsersPath(hub)}/bulk?action=package&package=premium&scope=selected&ids={all["a"].Id}&ids={all["c"].Id}");
        browser.Document.QuerySelector("#confirm-text")!.TextContent.Should().Contain("Change Package Type to premium: 2 selected");
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
