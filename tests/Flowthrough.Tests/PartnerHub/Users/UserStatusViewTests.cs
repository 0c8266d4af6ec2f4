using System.Net;
using System.Text.Json;
using Flowthrough.Provisioning;
using Flowthrough.Subscribers;
using Microsoft.EntityFrameworkCore;
using static Flowthrough.Tests.PartnerHub.Users.UserStatusSeed;

namespace Flowthrough.Tests.PartnerHub.Users;

/// <summary>The row menu's markup, the customer filter and the live refresh's JSON, as served (no JavaScript).</summary>
public sealed class UserStatusViewTests : IAsyncLifetime
{
    private HubFixture hub = null!;

    public async ValueTask InitializeAsync() => hub = await HubFixture.StartAsync(fakeTime: true);

    public async ValueTask DisposeAsync() => await hub.DisposeAsync();

    private TestPartner P => hub.Partner;

    [Fact]
    public async Task Each_row_has_the_six_columns_a_menu_button_over_a_popover_menu_and_an_expandable_row()
    {
        var failed = Failed(P, "err1", Start, "Ewa", "Zielińska");
        await AddAsync(hub, failed);
        var browser = await hub.SignInAsync();

        await browser.OpenAsync(UsersPath(hub));

        browser.Document.QuerySelectorAll("#users thead th").Select(h => h.TextContent.Trim()).Should()
            .Equal("Select", "BroadWorks ID", "Name", "Package type", "Status", "Last status change", "Actions");
        var row = browser.Document.QuerySelector("tr[data-user-id='err1']")!;
        row.QuerySelectorAll("td").Select(c => c.ClassName).Should()
            .Equal("select", "user-id", "name", "package", "status", "changed", "actions");
        row.QuerySelector("td.user-id code")!.GetAttribute("title").Should().Be("err1");

        var button = row.QuerySelector("button.menu-button")!;
        var id = failed.Id.ToString();
        button.GetAttribute("type").Should().Be("button");
        button.GetAttribute("aria-haspopup").Should().Be("menu");
        button.GetAttribute("popovertarget").Should().Be($"menu-{id}");
        button.GetAttribute("aria-controls").Should().Be($"menu-{id}");
        var menu = browser.Document.GetElementById($"menu-{id}")!;
        menu.GetAttribute("role").Should().Be("menu");
        menu.HasAttribute("popover").Should().BeTrue();
        menu.GetAttribute("aria-labelledby").Should().Be(button.Id);
        menu.QuerySelectorAll("[role=menuitem]").Select(i => i.TextContent.Trim()).Should()
            .Equal("Retry Activation", "Delete User", "Change Package Type", "Copy Error Text", "Details");
        menu.QuerySelector("[data-action=details]")!.GetAttribute("href").Should().Be($"/partner/subscribers/{id}");

        // Email, attempts and the error live in the expandable row (its toggle is shown by the script).
        var extra = browser.Document.GetElementById($"extra-{id}")!;
        extra.HasAttribute("hidden").Should().BeTrue();
        row.QuerySelector("button.expand")!.GetAttribute("aria-controls").Should().Be(extra.Id);
        extra.QuerySelector("dd.email")!.TextContent.Should().Be("err1@example.com");
        extra.QuerySelector("dd.error")!.TextContent.Should().Contain("7002");

        // Without JavaScript the filters apply with a button; with it the button is not there at all.
        browser.Document.QuerySelector("#filters noscript").Should().NotBeNull();
    }

    [Fact]
    public async Task The_customer_filter_keeps_to_one_organisations_subscribers_in_the_url_chip_bulk_form_and_export()
    {
        var other = await hub.App.CreatePartnerAsync();
        var mine = Organization(P, "sp+g1", "Mokotów");
        var second = Organization(P, "sp+g2", "Wola");
        var foreign = Organization(other, "sp+g1", "Elsewhere");
        await using (var db = hub.App.CreateDbContext())
        {
            db.Organizations.AddRange(mine, second, foreign);
            await db.SaveChangesAsync();
        }

        await AddAsync(hub, Pending(P, "a1", Start.AddHours(1)), Failed(P, "a2", Start.AddHours(2)),
            Pending(P, "b1", Start.AddHours(3), enterprise: "sp+g2"), Pending(other, "x1", Start, enterprise: "sp+g1"));
        var browser = await hub.SignInAsync();

        await browser.OpenAsync($"{UsersPath(hub)}?customer={mine.Id}");

        ShownUserIds(browser).Should().Equal("a2", "a1");
        browser.Document.QuerySelector("#chip-customer")!.TextContent.Should().Contain("Customer: Mokotów (sp+g1)");
        browser.Document.QuerySelector("#chip-customer .chip-remove")!.GetAttribute("href").Should().Be(UsersPath(hub));
        browser.Document.QuerySelector("#filters input[name=customer]")!.GetAttribute("value").Should().Be(mine.Id.ToString());
        browser.Document.QuerySelector("#bulk input[name=customer]")!.GetAttribute("value").Should().Be(mine.Id.ToString());
        browser.Document.QuerySelector("#export")!.GetAttribute("href").Should().Be($"{UsersPath(hub)}/export?customer={mine.Id}");
        browser.Document.QuerySelector($"tr[data-user-id='a1'] [data-action=retry]")!.GetAttribute("href").Should()
            .EndWith($"/retry?customer={mine.Id}", "an action returns to the same view");

        // The other filters combine with it, and stay in the URL with it.
        await ApplyFiltersAsync(browser, new Dictionary<string, string?> { ["status"] = "error" });
        ShownUserIds(browser).Should().Equal("a2");
        browser.LastResponse!.RequestMessage!.RequestUri!.Query.Should().Contain($"customer={mine.Id}");

        await browser.OpenAsync($"{UsersPath(hub)}?customer={second.Id}");
        ShownUserIds(browser).Should().Equal("b1");

        // Another partner's organisation (or none) is an unknown customer: no rows, never the whole template.
        await browser.OpenAsync($"{UsersPath(hub)}?customer={foreign.Id}");
        ShownUserIds(browser).Should().BeEmpty();
        browser.Document.QuerySelector("#chip-customer")!.TextContent.Should().Contain("unknown customer");

        using var export = await browser.Client.GetAsync($"{UsersPath(hub)}/export?customer={mine.Id}",
            TestContext.Current.CancellationToken);
        var csv = Rfc4180.Parse((await export.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).TrimStart('\uFEFF'));
        csv.Skip(1).Select(r => r[0]).Should().Equal("a2", "a1");
    }

    [Fact]
    public async Task The_live_answer_gives_the_counts_and_each_shown_rows_version_for_the_same_filters()
    {
        var progressing = InProgress(P, "prog1", Start.AddHours(2));
        await AddAsync(hub, Provisioned(P, "prov1", Start.AddHours(1)), progressing, Failed(P, "err1", Start.AddHours(3)));
        var browser = await hub.SignInAsync();

        async Task<JsonElement> LiveAsync(string query)
        {
            await browser.OpenAsync($"{UsersPath(hub)}?{query}handler=Live");
            browser.Status.Should().Be(HttpStatusCode.OK);
            browser.LastResponse!.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
            return JsonDocument.Parse(await browser.LastResponse.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))
                .RootElement;
        }

        var live = await LiveAsync("exclude=true&");
        live.GetProperty("counts").GetProperty("all").GetInt32().Should().Be(3);
        live.GetProperty("counts").GetProperty("progress").GetInt32().Should().Be(1);
        live.GetProperty("counts").GetProperty("provisioned").GetInt32().Should().Be(1);
        var rows = live.GetProperty("rows").EnumerateArray().ToList();
        rows.Select(r => r.GetProperty("id").GetGuid()).Should().HaveCount(2).And.Contain(progressing.Id);
        var before = rows.Single(r => r.GetProperty("id").GetGuid() == progressing.Id).GetProperty("v").GetInt32();

        // The engine provisions the row: the counts move and its version changes, so the page redraws it.
        await hub.App.DrainEngineAsync();
        live = await LiveAsync("");
        live.GetProperty("counts").GetProperty("progress").GetInt32().Should().Be(0);
        live.GetProperty("counts").GetProperty("provisioned").GetInt32().Should().Be(2);
        live.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("id").GetGuid() == progressing.Id)
            .GetProperty("v").GetInt32().Should().NotBe(before);
        await using var db = hub.App.CreateDbContext();
        (await db.Subscribers.SingleAsync(s => s.Id == progressing.Id)).Status.Should().Be(SubscriberStatus.Provisioned);

        await browser.OpenAsync($"/partner/templates/{Guid.NewGuid()}/users?handler=Live");
        browser.Status.Should().Be(HttpStatusCode.NotFound);
    }

    private static CustomerOrganization Organization(TestPartner owner, string enterprise, string name) => new()
    {
        PartnerId = owner.Partner.Id,
        TemplateId = owner.Template.Id,
        SpEnterpriseId = enterprise,
        Name = name,
        Created = Start,
    };
}
