using System.Net;
using AngleSharp.Dom;
using Flowthrough.Activation;
using Flowthrough.Subscribers;
using Microsoft.EntityFrameworkCore;
using static Flowthrough.Tests.PartnerHub.Users.UserStatusSeed;

namespace Flowthrough.Tests.PartnerHub.Users;

public sealed class UserStatusPageTests : IAsyncLifetime
{
    private HubFixture hub = null!;

    public async ValueTask InitializeAsync() => hub = await HubFixture.StartAsync(fakeTime: true);

    public async ValueTask DisposeAsync() => await hub.DisposeAsync();

    private TestPartner P => hub.Partner;

    private async Task SeedOneOfEachAsync() => await AddAsync(hub,
        Provisioned(P, "prov1", Start.AddHours(1), "Anna", "Nowak"),
        Pending(P, "pend1", Start.AddHours(2), "Piotr", "Wiśniewski"),
        Failed(P, "err1", Start.AddHours(3), "Ewa", "Zielińska"),
        InProgress(P, "prog1", Start.AddHours(4), "Jan", "Kowalski"));

    private static string StatusOf(PortalBrowser browser, string userId) =>
        browser.Document.QuerySelector($"tr[data-user-id='{userId}'] td.status")!.TextContent;

    [Fact]
    public async Task Columns_status_words_and_labels_are_in_polish()
    {
        await SeedOneOfEachAsync();
        var browser = await hub.SignInAsync(language: "pl");

        await browser.OpenAsync(UsersPath(hub));

        browser.Status.Should().Be(HttpStatusCode.OK);
        browser.Document.QuerySelector("h1")!.TextContent.Should().Be("Stan użytkownika");
        browser.Document.Title.Should().StartWith("Stan użytkownika");
        var headers = browser.Document.QuerySelectorAll("#users thead th").Select(h => h.TextContent).ToList();
        headers.Should().Contain(["Identyfikator BroadWorks", "Typ pakietu", "Stan"]);
        StatusOf(browser, "prov1").Should().Contain("Aprowizowany").And.Contain("provisioned");
        StatusOf(browser, "pend1").Should().Contain("Oczekujące wymaganie: wprowadzenie adresu e-mail")
            .And.Contain("pending_email_input");
        StatusOf(browser, "err1").Should().Contain("Błąd").And.Contain("error");
        StatusOf(browser, "prog1").Should().Contain("W toku").And.Contain("provisioning");
        browser.Document.QuerySelector("tr[data-user-id='err1'] + tr.extra dd.error")!.TextContent.Should()
            .Contain("7002").And.Contain(ErrorCatalog.EmailInOtherOrganization.Polish);
        browser.Document.QuerySelector("tr[data-user-id='prov1'] td.package")!.TextContent.Should().Be("Basic");
        browser.Text.Should().Contain("Dodatkowe opcje widoku").And.Contain("Wyklucz użytkowników z aprowizacją")
            .And.Contain("Eksportuj").And.Contain("Ponów próbę aktywacji")
            .And.Contain("Usuń użytkownika").And.Contain("Zmień typ pakietu").And.Contain("Kopiuj tekst błędu");
        browser.Document.QuerySelector("script[data-copied]")!.GetAttribute("data-copied").Should().Be("Skopiowano");
        browser.Document.QuerySelector("tr[data-user-id='err1'] .menu-button")!.GetAttribute("aria-label").Should()
            .Be("Akcje dla: Ewa Zielińska (err1)");

        await browser.OpenAsync(browser.Document.QuerySelector("tr[data-user-id='err1'] [data-action=retry]")!.GetAttribute("href")!);
        browser.Document.QuerySelector("#action-title")!.TextContent.Should().Be("Ponów próbę aktywacji");
        browser.Document.QuerySelector("label[for=retry-email]")!.TextContent.Should().Be("Adres e-mail (traktowany jako zaufany)");
        browser.Document.QuerySelector("form.action-retry button[type=submit]")!.TextContent.Should().Be("Onboard");
    }

    [Fact]
    public async Task Columns_status_words_and_labels_are_in_english()
    {
        await SeedOneOfEachAsync();
        await AddAsync(hub, Pending(P, "pend2", Start, "Ola", "Lis", email: "ola@example.com").Also(s =>
            s.SubmitEmail("ola@example.com", Actors.Subscriber, Start.AddMinutes(1))));
        var browser = await hub.SignInAsync();

        await browser.OpenAsync(UsersPath(hub));

        browser.Document.QuerySelector("h1")!.TextContent.Should().Be("User Status");
        var headers = browser.Document.QuerySelectorAll("#users thead th").Select(h => h.TextContent).ToList();
        headers.Should().Contain(["BroadWorks ID", "Package type", "Status"]);
        StatusOf(browser, "prov1").Should().Contain("Provisioned");
        StatusOf(browser, "pend1").Should().Contain("Pending requirement: email input");
        StatusOf(browser, "pend2").Should().Contain("Pending requirement: email verification");
        StatusOf(browser, "err1").Should().Contain("Error");
        StatusOf(browser, "prog1").Should().Contain("In progress");
        browser.Document.QuerySelector("tr[data-user-id='err1'] + tr.extra dd.error")!.TextContent.Should()
            .Contain(ErrorCatalog.EmailInOtherOrganization.English);
        browser.Document.QuerySelector("tr[data-user-id='prog1'] + tr.extra dd.attempts")!.TextContent.Should()
            .Be("0 / " + Start.AddHours(4).ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture));
        browser.Text.Should().Contain("Additional view options").And.Contain("Exclude provisioned users").And.Contain("Export")
            .And.Contain("Retry Activation").And.Contain("Delete User").And.Contain("Change Package Type").And.Contain("Copy Error Text");
    }

    [Fact]
    public async Task The_template_page_links_here_and_another_partners_template_is_404()
    {
        var other = await hub.App.CreatePartnerAsync();
        var browser = await hub.SignInAsync();

        await browser.OpenAsync($"/partner/templates/{P.Template.Id}");
        await browser.OpenAsync(browser.Document.QuerySelector("#show-user-status")!.GetAttribute("href")!);
        browser.Status.Should().Be(HttpStatusCode.OK);
        browser.Path.Should().Be(UsersPath(hub));

        await browser.OpenAsync($"/partner/templates/{other.Template.Id}/users");
        browser.Status.Should().Be(HttpStatusCode.NotFound);
        await browser.OpenAsync($"/partner/templates/{other.Template.Id}/users/export");
        browser.Status.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Search_finds_by_broadworks_id_prefix_name_email_and_reference()
    {
        var failed = Failed(P, "4801@sp.example", Start.AddHours(1), "Zofia", "Łódzka");
        await AddAsync(hub, failed, Pending(P, "4802@sp.example", Start.AddHours(2), "Marek", "Nowak", "marek@corp.example"),
            InProgress(P, "9900@sp.example", Start.AddHours(3), "Adam", "Mickiewicz"));
        var browser = await hub.SignInAsync();
        await browser.OpenAsync(UsersPath(hub));

        async Task<List<string>> Search(string q)
        {
            await ApplyFiltersAsync(browser, new Dictionary<string, string?> { ["q"] = q });
            return ShownUserIds(browser);
        }

        (await Search("48")).Should().BeEquivalentTo("4801@sp.example", "4802@sp.example");
        (await Search("marek")).Should().Equal("4802@sp.example");
        (await Search("Adam Mick")).Should().Equal("9900@sp.example");
        (await Search("Łódzka")).Should().Equal("4801@sp.example");
        (await Search("MAREK@corp")).Should().Equal("4802@sp.example");
        (await Search(SubscriberDisplay.ReferenceOf(failed.Id))).Should().Equal("4801@sp.example");
        (await Search(SubscriberDisplay.ReferenceOf(failed.Id).ToLowerInvariant().Replace("ft-", "FT-", StringComparison.Ordinal)))
            .Should().Equal("4801@sp.example");
        (await Search("nobody")).Should().BeEmpty();
        browser.Document.QuerySelector("#no-rows").Should().NotBeNull();
        browser.Document.QuerySelector<AngleSharp.Html.Dom.IHtmlInputElement>("#q")!.Value.Should().Be("nobody");
    }

    [Fact]
    public async Task Status_filter_and_exclude_provisioned_toggle_narrow_the_list_and_counts_cover_the_template()
    {
        await SeedOneOfEachAsync();
        await AddAsync(hub, Provisioned(P, "prov2", Start.AddHours(5)), Failed(P, "err2", Start.AddHours(6)));
        var other = await hub.App.CreatePartnerAsync();
        await AddAsync(hub, Provisioned(other, "elsewhere", Start));
        var browser = await hub.SignInAsync();
        await browser.OpenAsync(UsersPath(hub));

        browser.Document.QuerySelector("#count-all strong")!.TextContent.Should().Be("6");
        browser.Document.QuerySelector("#count-provisioned strong")!.TextContent.Should().Be("2");
        browser.Document.QuerySelector("#count-pending strong")!.TextContent.Should().Be("1");
        browser.Document.QuerySelector("#count-error strong")!.TextContent.Should().Be("2");
        browser.Document.QuerySelector("#count-progress strong")!.TextContent.Should().Be("1");
        ShownUserIds(browser).Should().HaveCount(6).And.NotContain("elsewhere");

        await ApplyFiltersAsync(browser, new Dictionary<string, string?> { ["status"] = "error" });
        ShownUserIds(browser).Should().BeEquivalentTo("err1", "err2");
        await ApplyFiltersAsync(browser, new Dictionary<string, string?> { ["status"] = "in_progress" });
        ShownUserIds(browser).Should().Equal("prog1");
        await ApplyFiltersAsync(browser, new Dictionary<string, string?> { ["status"] = "pending" });
        ShownUserIds(browser).Should().Equal("pend1");

        await ApplyFiltersAsync(browser, new Dictionary<string, string?> { ["status"] = "", ["exclude"] = "true" });
        ShownUserIds(browser).Should().BeEquivalentTo("pend1", "err1", "err2", "prog1");
        var exclude = browser.Document.QuerySelector<AngleSharp.Html.Dom.IHtmlInputElement>("#exclude")!;
        exclude.IsChecked.Should().BeTrue();
        exclude.GetAttribute("role").Should().Be("switch");
        await ApplyFiltersAsync(browser, new Dictionary<string, string?> { ["status"] = "provisioned" });
        ShownUserIds(browser).Should().BeEmpty("provisioned users are excluded");
        await ApplyFiltersAsync(browser, new Dictionary<string, string?> { ["exclude"] = null });
        ShownUserIds(browser).Should().BeEquivalentTo("prov1", "prov2");
        browser.Document.QuerySelector("#count-all strong")!.TextContent.Should().Be("6", "counts are per template");
    }

    [Fact]
    public async Task Sort_by_last_status_change_or_broadworks_id_in_either_direction()
    {
        await AddAsync(hub, Pending(P, "b", Start.AddHours(1)), Pending(P, "c", Start.AddHours(3)),
            Pending(P, "a", Start.AddHours(2)));
        var browser = await hub.SignInAsync();
        await browser.OpenAsync(UsersPath(hub));

        ShownUserIds(browser).Should().Equal("c", "a", "b");
        await ApplyFiltersAsync(browser, new Dictionary<string, string?> { ["dir"] = "asc" });
        ShownUserIds(browser).Should().Equal("b", "a", "c");
        await ApplyFiltersAsync(browser, new Dictionary<string, string?> { ["sort"] = "userid" });
        ShownUserIds(browser).Should().Equal("a", "b", "c");
        await ApplyFiltersAsync(browser, new Dictionary<string, string?> { ["dir"] = "desc" });
        ShownUserIds(browser).Should().Equal("c", "b", "a");
    }

    [Theory]
    [InlineData("changed", "desc")]
    [InlineData("changed", "asc")]
    [InlineData("userid", "asc")]
    public async Task Paging_walks_every_row_once_forwards_and_back(string sort, string dir)
    {
        // Seven rows share each timestamp, so the cursor must break ties by Seq.
        var subscribers = Enumerable.Range(0, 123)
            .Select(i => Pending(P, $"user{(i * 37) % 123:D3}", Start.AddMinutes(i / 7))).ToArray();
        await AddAsync(hub, subscribers);
        var browser = await hub.SignInAsync();
        await browser.OpenAsync($"{UsersPath(hub)}?sort={sort}&dir={dir}");

        var pages = new List<List<string>> { ShownUserIds(browser) };
        browser.Document.QuerySelector("#previous").Should().BeNull();
        while (browser.Document.QuerySelector("#next") is { } next)
        {
            await browser.OpenAsync(next.GetAttribute("href")!);
            pages.Add(ShownUserIds(browser));
        }

        pages.Select(p => p.Count).Should().Equal(50, 50, 23);
        var walked = pages.SelectMany(p => p).ToList();
        walked.Should().OnlyHaveUniqueItems().And.HaveCount(123);
        await using (var db = hub.App.CreateDbContext())
        {
            var all = db.Subscribers.Where(s => s.TemplateId == P.Template.Id);
            var expected = (sort, dir) switch
            {
                ("userid", _) => await all.OrderBy(s => s.UserId).Select(s => s.UserId).ToListAsync(),
                (_, "asc") => await all.OrderBy(s => s.LastStatusChange).ThenBy(s => s.Seq).Select(s => s.UserId).ToListAsync(),
                _ => await all.OrderByDescending(s => s.LastStatusChange).ThenByDescending(s => s.Seq).Select(s => s.UserId).ToListAsync(),
            };
            walked.Should().Equal(expected);
        }

        await browser.OpenAsync(browser.Document.QuerySelector("#previous")!.GetAttribute("href")!);
        ShownUserIds(browser).Should().Equal(pages[1]);
        await browser.OpenAsync(browser.Document.QuerySelector("#previous")!.GetAttribute("href")!);
        ShownUserIds(browser).Should().Equal(pages[0]);
        browser.Document.QuerySelector("#previous").Should().BeNull();
        browser.Document.QuerySelector("#next").Should().NotBeNull();
    }

    [Fact]
    public async Task A_name_with_markup_is_rendered_as_text()
    {
        await AddAsync(hub, Failed(P, "xss", Start, "<script>alert(1)</script>", "<img src=x onerror=alert(2)>"));
        var browser = await hub.SignInAsync();

        await browser.OpenAsync(UsersPath(hub));

        var row = browser.Document.QuerySelector("tr[data-user-id='xss']")!;
        row.QuerySelector("td.name")!.TextContent.Should().Be("<script>alert(1)</script> <img src=x onerror=alert(2)>");
        row.QuerySelectorAll("script, img").Should().BeEmpty();
        browser.Document.QuerySelectorAll("script").Should().OnlyContain(s => s.HasAttribute("src"));
        row.QuerySelector(".menu-button")!.GetAttribute("aria-label").Should().Contain("<script>alert(1)</script>");
        browser.Document.QuerySelector("tr[data-user-id='xss'] + tr.extra")!.QuerySelectorAll("script, img").Should().BeEmpty();
    }
}

internal static class SubscriberTestExtensions
{
    public static Subscriber Also(this Subscriber subscriber, Action<Subscriber> change)
    {
        change(subscriber);
        return subscriber;
    }
}
