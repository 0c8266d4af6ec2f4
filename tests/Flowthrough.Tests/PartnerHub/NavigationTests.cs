using System.Net;
using AngleSharp.Dom;

namespace Flowthrough.Tests.PartnerHub;

public sealed class NavigationTests : IAsyncLifetime
{
    private HubFixture hub = null!;

    public async ValueTask InitializeAsync() => hub = await HubFixture.StartAsync();

    public async ValueTask DisposeAsync() => await hub.DisposeAsync();

    [Fact]
    public async Task The_help_text_path_in_polish_leads_to_the_user_status_view()
    {
        var browser = await hub.SignInAsync(language: "pl");

        browser.Path.Should().Be("/partner/settings");
        var settingsLink = browser.Document.QuerySelectorAll("nav.main-nav a").Single(a => a.TextContent == "Ustawienia");
        await browser.OpenAsync(settingsLink.GetAttribute("href")!);
        browser.Text.Should().Contain("BroadWorks Calling");
        var view = browser.Document.QuerySelectorAll("a").Single(a => a.TextContent == "Wyświetl szablony");
        await browser.OpenAsync(view.GetAttribute("href")!);
        var template = browser.Document.QuerySelectorAll("table.grid a").Single(a => a.TextContent == hub.Partner.Template.Name);
        await browser.OpenAsync(template.GetAttribute("href")!);

        browser.Text.Should().Contain("Weryfikacja użytkownika").And.Contain("Niezaufane wiadomości e-mail").And.Contain("Udostępnij łącze");
        browser.Document.QuerySelector("#untrusted")!.HasAttribute("checked").Should().BeTrue();
        browser.Document.QuerySelector("#share-link")!.TextContent.Should()
            .Be($"http://flowthrough.test/activate/{hub.Partner.Template.ActivationSlug}");
        browser.Document.QuerySelector("#adapter-url")!.TextContent.Should()
            .Be($"http://flowthrough.test/bridge/{hub.Partner.Template.ProvisioningId}");
        browser.Document.QuerySelector("#show-user-status")!.TextContent.Should().Be("Pokaż stan użytkownika");
    }

    [Fact]
    public async Task Customers_reaches_the_same_templates()
    {
        var browser = await hub.SignInAsync();

        await browser.OpenAsync("/partner/customers/templates");

        browser.Document.QuerySelectorAll("table.grid a").Select(a => a.TextContent).Should().Contain(hub.Partner.Template.Name);
    }

    [Fact]
    public async Task No_partner_hub_page_opens_without_signing_in()
    {
        var anonymous = new PortalBrowser(hub.App.CreateClient());

        foreach (var path in new[] { "/partner/settings", "/partner/templates", $"/partner/templates/{hub.Partner.Template.Id}" })
        {
            await anonymous.OpenAsync(path);
            anonymous.Path.Should().Be("/partner/signin", path);
        }
    }

    [Fact]
    public async Task Another_partners_template_is_404()
    {
        var other = await hub.App.CreatePartnerAsync();
        var browser = await hub.SignInAsync();

        await browser.OpenAsync($"/partner/templates/{other.Template.Id}");

        browser.Status.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_wrong_password_is_refused_and_repeated_failures_lock_the_account()
    {
        var browser = new PortalBrowser(hub.App.CreateClient());
        for (var i = 0; i < 5; i++)
        {
            await browser.OpenAsync("/partner/signin");
            await browser.SubmitAsync("main form", new Dictionary<string, string> { ["Email"] = hub.Admin.Email, ["Password"] = "wrong" });
            browser.Text.Should().Contain("The email or password is not correct.");
        }

        await browser.OpenAsync("/partner/signin");
        await browser.SubmitAsync("main form", new Dictionary<string, string> { ["Email"] = hub.Admin.Email, ["Password"] = HubFixture.Password });

        browser.Status.Should().Be(HttpStatusCode.TooManyRequests);
        browser.Text.Should().Contain("Too many failed sign-ins");
    }

    [Fact]
    public async Task A_read_only_admin_sees_the_pages_and_is_told_so()
    {
        var browser = await hub.SignInAsync(hub.ReadOnlyAdmin);

        await browser.OpenAsync($"/partner/templates/{hub.Partner.Template.Id}");

        browser.Status.Should().Be(HttpStatusCode.OK);
        browser.Document.QuerySelector(".who")!.TextContent.Should().Contain("read-only");
    }
}
