using System.Net;
using Flowthrough.Clusters;
using Flowthrough.Tests.Simulator;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.Tests.PartnerHub.Clusters;

/// <summary>BroadWorks clusters: list, add, edit, and Test connection against the simulator's Xsi-Actions.</summary>
public sealed class ClustersTests : IAsyncLifetime
{
    private const string SimUser = "lukasz.wojcik@warszawa.sp.example";
    private const string SimPassword = "Bw!Lukasz2101";

    private HubFixture hub = null!;

    public async ValueTask InitializeAsync() => hub = await HubFixture.StartAsync();

    public async ValueTask DisposeAsync() => await hub.DisposeAsync();

    private async Task<PortalBrowser> OpenClustersAsync(string language = "en")
    {
        var browser = await hub.SignInAsync(language: language);
        await browser.OpenAsync("/partner/settings");
        await browser.OpenAsync(browser.Document.QuerySelector("a[href='/partner/clusters']")!.GetAttribute("href")!);
        browser.Status.Should().Be(HttpStatusCode.OK);
        return browser;
    }

    private async Task<BroadWorksCluster> AddClusterAsync(string name, string xsiActionsUrl)
    {
        await using var db = hub.App.CreateDbContext();
        var cluster = new BroadWorksCluster { PartnerId = hub.Partner.Partner.Id, Name = name, XsiActionsUrl = xsiActionsUrl };
        db.Clusters.Add(cluster);
        await db.SaveChangesAsync();
        return cluster;
    }

    [Fact]
    public async Task A_cluster_is_added_listed_and_edited_with_an_audit_trail()
    {
        var browser = await OpenClustersAsync();

        browser.Tick("Input.DirectAuth");
        await browser.SubmitAsync("#create-cluster", new Dictionary<string, string>
        {
            ["Input.Name"] = "Kraków XSP",
            ["Input.XsiActionsUrl"] = "https://xsp.krakow.example/com.broadsoft.xsi-actions",
            ["Input.AuthServiceUrl"] = "https://auth.krakow.example/authService",
        });

        browser.StatusMessage().Should().Be("Cluster “Kraków XSP” added.");
        await using var db = hub.App.CreateDbContext();
        var cluster = await db.Clusters.AsNoTracking().SingleAsync(c => c.Name == "Kraków XSP");
        browser.Path.Should().Be($"/partner/clusters/{cluster.Id}");
        cluster.PartnerId.Should().Be(hub.Partner.Partner.Id);
        cluster.XsiActionsUrl.Should().Be("https://xsp.krakow.example/com.broadsoft.xsi-actions");
        cluster.AuthServiceUrl.Should().Be("https://auth.krakow.example/authService");
        cluster.DirectAuth.Should().BeTrue();
        browser.Document.QuerySelector("#xsi-warning").Should().BeNull();

        browser.Tick("Input.DirectAuth", on: false);
        await browser.SubmitAsync("#edit-cluster", new Dictionary<string, string>
        {
            ["Input.Name"] = "Kraków XSP 2",
            ["Input.AuthServiceUrl"] = "",
        });

        browser.StatusMessage().Should().Be("Cluster “Kraków XSP 2” saved.");
        var edited = await db.Clusters.AsNoTracking().SingleAsync(c => c.Id == cluster.Id);
        edited.Name.Should().Be("Kraków XSP 2");
        edited.AuthServiceUrl.Should().BeNull();
        edited.DirectAuth.Should().BeFalse();
        await browser.OpenAsync("/partner/clusters");
        browser.Document.QuerySelectorAll("#clusters a").Select(a => a.TextContent).Should().Contain(["Cluster", "Kraków XSP 2"]);
        var audits = await db.AdminAuditEvents.AsNoTracking().Where(a => a.Target == cluster.Id.ToString()).ToListAsync();
        audits.Select(a => a.Action).Should().BeEquivalentTo(["cluster.create", "cluster.update"]);
    }

    [Fact]
    public async Task Missing_and_wrong_fields_get_their_messages_in_english_and_polish()
    {
        var browser = await OpenClustersAsync();
        await browser.SubmitAsync("#create-cluster", new Dictionary<string, string>
        {
            ["Input.Name"] = "",
            ["Input.XsiActionsUrl"] = "",
            ["Input.AuthServiceUrl"] = "auth",
        });
        browser.MessageFor("Input.Name").Should().Be("Enter a name.");
        browser.MessageFor("Input.XsiActionsUrl").Should().Be("Enter the Xsi-Actions URL.");
        browser.MessageFor("Input.AuthServiceUrl").Should().Be("Enter an absolute URL starting with http:// or https://.");
        browser.ValueOf("Input.AuthServiceUrl").Should().Be("auth");

        await browser.SubmitAsync("#create-cluster", new Dictionary<string, string>
        {
            ["Input.Name"] = "Bad URL",
            ["Input.XsiActionsUrl"] = "xsp.example/com.broadsoft.xsi-actions",
            ["Input.AuthServiceUrl"] = "",
        });
        browser.MessageFor("Input.XsiActionsUrl").Should().Be("Enter an absolute URL starting with http:// or https://.");

        var polish = await OpenClustersAsync("pl");
        await polish.SubmitAsync("#create-cluster", new Dictionary<string, string> { ["Input.Name"] = "", ["Input.XsiActionsUrl"] = "" });
        polish.MessageFor("Input.Name").Should().Be("Wpisz nazwę.");
        polish.MessageFor("Input.XsiActionsUrl").Should().Be("Wpisz adres URL Xsi-Actions.");

        await using var db = hub.App.CreateDbContext();
        (await db.Clusters.CountAsync(c => c.PartnerId == hub.Partner.Partner.Id)).Should().Be(1);
    }

    [Fact]
    public async Task A_url_without_the_xsi_actions_path_is_saved_with_a_warning()
    {
        var browser = await OpenClustersAsync();

        await browser.SubmitAsync("#create-cluster", new Dictionary<string, string>
        {
            ["Input.Name"] = "Odd path",
            ["Input.XsiActionsUrl"] = "https://xsp.example/xsi",
        });

        browser.StatusMessage().Should().Contain("Cluster “Odd path” added.").And.Contain("/com.broadsoft.xsi-actions");
        browser.Document.QuerySelector("#xsi-warning")!.TextContent.Should()
            .Be("Check the Xsi-Actions URL: it usually ends with /com.broadsoft.xsi-actions.");
        await using var db = hub.App.CreateDbContext();
        (await db.Clusters.AsNoTracking().SingleAsync(c => c.Name == "Odd path")).XsiActionsUrl.Should().Be("https://xsp.example/xsi");
    }

    [Fact]
    public async Task Test_connection_tells_valid_rejected_and_unreachable_apart_and_never_shows_the_password()
    {
        await using var simulator = await SimulatorHost.StartAsync();
        var reachable = await AddClusterAsync("Simulator", new Uri(simulator.Client.BaseAddress!, "/com.broadsoft.xsi-actions").ToString());
        var unreachable = await AddClusterAsync("Nowhere", "http://127.0.0.1:9/com.broadsoft.xsi-actions");
        var browser = await hub.SignInAsync();

        await browser.OpenAsync($"/partner/clusters/{reachable.Id}");
        await browser.SubmitAsync("#test-form", new Dictionary<string, string> { ["Test.UserId"] = SimUser, ["Test.Password"] = SimPassword });
        browser.Status.Should().Be(HttpStatusCode.OK);
        var result = browser.Document.QuerySelector("#test-result")!;
        result.GetAttribute("data-outcome").Should().Be("valid");
        result.TextContent.Should().Be("Reachable, credentials valid (Łukasz Wójcik).");
        browser.Html().Should().NotContain(SimPassword).And.NotContain("Bw!Lukasz");
        browser.ValueOf("Test.Password").Should().BeEmpty();
        browser.ValueOf("Test.UserId").Should().Be(SimUser);

        await browser.SubmitAsync("#test-form", new Dictionary<string, string> { ["Test.UserId"] = SimUser, ["Test.Password"] = "wrong-password" });
        browser.Document.QuerySelector("#test-result")!.TextContent.Should().Be("Reachable, credentials rejected.");
        browser.Html().Should().NotContain("wrong-password");

        await browser.OpenAsync($"/partner/clusters/{unreachable.Id}");
        await browser.SubmitAsync("#test-form", new Dictionary<string, string> { ["Test.UserId"] = SimUser, ["Test.Password"] = SimPassword });
        result = browser.Document.QuerySelector("#test-result")!;
        result.GetAttribute("data-outcome").Should().Be("unreachable");
        result.TextContent.Should().StartWith("Unreachable: ").And.Contain("127.0.0.1");
        browser.Html().Should().NotContain(SimPassword);

        await using var db = hub.App.CreateDbContext();
        (await db.AdminAuditEvents.AsNoTracking().Where(a => a.Data != null).Select(a => a.Data!).ToListAsync())
            .Should().NotContain(d => d.Contains(SimPassword));
    }

    [Fact]
    public async Task Test_connection_speaks_polish_and_asks_for_both_fields()
    {
        await using var simulator = await SimulatorHost.StartAsync();
        var cluster = await AddClusterAsync("Symulator", new Uri(simulator.Client.BaseAddress!, "/com.broadsoft.xsi-actions").ToString());
        var browser = await hub.SignInAsync(language: "pl");
        await browser.OpenAsync($"/partner/clusters/{cluster.Id}");
        browser.Document.QuerySelector("#test-form button")!.TextContent.Should().Be("Testuj połączenie");

        await browser.SubmitAsync("#test-form", new Dictionary<string, string> { ["Test.UserId"] = SimUser, ["Test.Password"] = "" });
        browser.Text.Should().Contain("Wpisz identyfikator użytkownika BroadWorks i hasło.");

        await browser.SubmitAsync("#test-form", new Dictionary<string, string> { ["Test.UserId"] = SimUser, ["Test.Password"] = "złe-hasło" });
        browser.Document.QuerySelector("#test-result")!.TextContent.Should().Be("Osiągalny, dane logowania odrzucone.");
    }

    [Fact]
    public async Task A_read_only_admin_cannot_add_edit_or_test()
    {
        var cluster = await AddClusterAsync("Read only", "http://127.0.0.1:9/com.broadsoft.xsi-actions");
        var browser = await hub.SignInAsync(hub.ReadOnlyAdmin);

        await browser.OpenAsync("/partner/clusters");
        await browser.SubmitAsync("#create-cluster", new Dictionary<string, string>
        {
            ["Input.Name"] = "Nope",
            ["Input.XsiActionsUrl"] = "https://xsp.example/com.broadsoft.xsi-actions",
        });
        browser.Status.Should().Be(HttpStatusCode.Forbidden);

        await browser.OpenAsync($"/partner/clusters/{cluster.Id}");
        browser.Status.Should().Be(HttpStatusCode.OK);
        await browser.SubmitAsync("#edit-cluster", new Dictionary<string, string> { ["Input.Name"] = "Renamed" });
        browser.Status.Should().Be(HttpStatusCode.Forbidden);

        await browser.OpenAsync($"/partner/clusters/{cluster.Id}");
        await browser.SubmitAsync("#test-form", new Dictionary<string, string> { ["Test.UserId"] = SimUser, ["Test.Password"] = SimPassword });
        browser.Status.Should().Be(HttpStatusCode.Forbidden);

        await using var db = hub.App.CreateDbContext();
        (await db.Clusters.CountAsync(c => c.PartnerId == hub.Partner.Partner.Id)).Should().Be(2);
        (await db.Clusters.AsNoTracking().SingleAsync(c => c.Id == cluster.Id)).Name.Should().Be("Read only");
    }

    [Fact]
    public async Task Another_partners_cluster_is_404()
    {
        var other = await hub.App.CreatePartnerAsync();
        var browser = await hub.SignInAsync();

        await browser.OpenAsync($"/partner/clusters/{other.Template.ClusterId}");
        browser.Status.Should().Be(HttpStatusCode.NotFound);

        await browser.OpenAsync($"/partner/clusters/{hub.Partner.Template.ClusterId}");
        browser.Document.QuerySelector("#edit-cluster")!.SetAttribute("action", $"/partner/clusters/{other.Template.ClusterId}");
        await browser.SubmitAsync("#edit-cluster", new Dictionary<string, string> { ["Input.Name"] = "Hijacked" });
        browser.Status.Should().Be(HttpStatusCode.NotFound);

        await browser.OpenAsync($"/partner/clusters/{hub.Partner.Template.ClusterId}");
        browser.Document.QuerySelector("#test-form")!.SetAttribute("action", $"/partner/clusters/{other.Template.ClusterId}?handler=Test");
        await browser.SubmitAsync("#test-form", new Dictionary<string, string> { ["Test.UserId"] = SimUser, ["Test.Password"] = SimPassword });
        browser.Status.Should().Be(HttpStatusCode.NotFound);

        await browser.OpenAsync("/partner/clusters");
        browser.Text.Should().NotContain(other.Template.ClusterId.ToString());
        await using var db = hub.App.CreateDbContext();
        (await db.Clusters.AsNoTracking().SingleAsync(c => c.Id == other.Template.ClusterId)).Name.Should().Be("Cluster");
    }
}
