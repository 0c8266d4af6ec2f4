using System.Net;
using Flowthrough.BroadWorks.Ocip;
using Flowthrough.Clusters;
using Flowthrough.Tests.PartnerHub.Targets;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.Tests.PartnerHub.Clusters;

/// <summary>
/// A cluster's OCI-P settings on its page: saved with a write-only, protected password; checked field by field in
/// English and Polish; removed; and Test connection's message for an AS nobody answers at.
/// </summary>
public sealed class ClusterOcipTests : IAsyncLifetime
{
    private const string OcipPassword = "Ocip-Admin-Pa55!";
    private const string Fingerprint = "ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89";

    private HubFixture hub = null!;

    public async ValueTask InitializeAsync() => hub = await HubFixture.StartAsync();

    public async ValueTask DisposeAsync() => await hub.DisposeAsync();

    private Guid ClusterId => hub.Partner.Template.ClusterId;

    private async Task<PortalBrowser> OpenClusterAsync(string language = "en")
    {
        var browser = await hub.SignInAsync(language: language);
        await browser.OpenAsync($"/partner/clusters/{ClusterId}");
        browser.Status.Should().Be(HttpStatusCode.OK);
        return browser;
    }

    private async Task<BroadWorksCluster> ClusterAsync()
    {
        await using var db = hub.App.CreateDbContext();
        return await db.Clusters.AsNoTracking().SingleAsync(c => c.Id == ClusterId);
    }

    [Fact]
    public async Task Settings_are_saved_with_the_password_protected_and_never_shown_again()
    {
        var browser = await OpenClusterAsync();
        browser.Document.QuerySelector("#ocip-state")!.GetAttribute("data-configured").Should().Be("false");
        browser.Document.QuerySelector("#sync-next")!.TextContent.Should().Be("Not scheduled: OCI-P is not configured.");
        browser.Choose("Ocip.Transport", nameof(OcipTransport.Tls));

        await browser.SubmitAsync("#ocip-form", new Dictionary<string, string>
        {
            ["Ocip.Host"] = " as1.warszawa.example ",
            ["Ocip.Port"] = "",
            ["Ocip.UserId"] = "flowthrough-ro",
            ["Ocip.Password"] = OcipPassword,
            ["Ocip.CertificateSha256"] = Fingerprint,
            ["Ocip.SyncIntervalMinutes"] = "30",
        });

        browser.StatusMessage().Should().Be("OCI-P settings of “Cluster” saved.");
        browser.Html().Should().NotContain(OcipPassword);
        browser.ValueOf("Ocip.Password").Should().BeEmpty();
        browser.Document.QuerySelector("#password-state")!.GetAttribute("data-saved").Should().Be("true");
        browser.ValueOf("Ocip.Port").Should().BeEmpty("2209 is the TLS default, so the field stays empty and follows the transport");
        var cluster = await ClusterAsync();
        cluster.OcipHost.Should().Be("as1.warszawa.example");
        cluster.OcipPort.Should().Be(2209);
        cluster.OcipTransport.Should().Be(OcipTransport.Tls);
        cluster.OcipUserId.Should().Be("flowthrough-ro");
        cluster.OcipPasswordProtected.Should().NotBeNullOrEmpty().And.NotBe(OcipPassword).And.NotContain(OcipPassword);
        hub.App.Service<ClusterSecrets>().Unprotect(cluster.OcipPasswordProtected).Should().Be(OcipPassword);
        cluster.OcipCertificateSha256.Should().Be(Fingerprint.Replace(":", "", StringComparison.Ordinal).ToUpperInvariant());
        cluster.SyncIntervalMinutes.Should().Be(30);
        cluster.HasOcip.Should().BeTrue();
        cluster.NextSyncAt.Should().NotBeNull("a cluster that gains OCI-P is due for its first sync");

        // Saving again with the password field empty keeps the saved password; a port of its own is kept.
        await browser.SubmitAsync("#ocip-form", new Dictionary<string, string> { ["Ocip.Port"] = "12209", ["Ocip.Password"] = "" });
        browser.StatusMessage().Should().Be("OCI-P settings of “Cluster” saved.");
        var kept = await ClusterAsync();
        kept.OcipPasswordProtected.Should().Be(cluster.OcipPasswordProtected);
        kept.OcipPort.Should().Be(12209);
        browser.ValueOf("Ocip.Port").Should().Be("12209");

        await using var db = hub.App.CreateDbContext();
        var audits = await db.AdminAuditEvents.AsNoTracking().Where(a => a.Target == ClusterId.ToString()).OrderBy(a => a.At).ToListAsync();
        audits.Select(a => a.Action).Should().Equal("cluster.ocip.update", "cluster.ocip.update");
        audits.Should().OnlyContain(a => !a.Data!.Contains(OcipPassword) && !a.Data.Contains(cluster.OcipPasswordProtected!));
        audits[0].Data.Should().Contain("\"passwordChanged\":true");
        audits[1].Data.Should().Contain("\"passwordChanged\":false");

        // Remove clears every setting and the schedule.
        browser.Tick("Ocip.Remove");
        await browser.SubmitAsync("#ocip-form");
        browser.StatusMessage().Should().Be("OCI-P removed from “Cluster”: the sync stops.");
        var removed = await ClusterAsync();
        removed.HasOcip.Should().BeFalse();
        removed.OcipHost.Should().BeNull();
        removed.OcipPasswordProtected.Should().BeNull();
        removed.OcipCertificateSha256.Should().BeNull();
        removed.NextSyncAt.Should().BeNull();
        browser.Document.QuerySelector("#sync-now").Should().BeNull();
    }

    [Fact]
    public async Task Wrong_fields_get_their_messages_in_english_and_polish_and_nothing_is_saved()
    {
        var browser = await OpenClusterAsync();
        await browser.SubmitAsync("#ocip-form", new Dictionary<string, string>
        {
            ["Ocip.Host"] = "https://as1.example:2208",
            ["Ocip.Port"] = "70000",
            ["Ocip.UserId"] = "",
            ["Ocip.Password"] = "",
            ["Ocip.CertificateSha256"] = "AB:CD:XY",
            ["Ocip.SyncIntervalMinutes"] = "2",
        });

        browser.Status.Should().Be(HttpStatusCode.OK);
        browser.MessageFor("Ocip.Host").Should().Be("Enter a host name or IP address, without http:// or a port.");
        browser.MessageFor("Ocip.Port").Should().Be("Enter a port from 1 to 65535, or leave the field empty for the transport’s default.");
        browser.MessageFor("Ocip.UserId").Should().Be("Enter the OCI-P administrator user ID.");
        browser.MessageFor("Ocip.Password").Should().Be("Enter the OCI-P administrator password.");
        browser.MessageFor("Ocip.CertificateSha256").Should().Be("Enter the SHA-256 fingerprint as 64 hexadecimal characters (colons allowed).");
        browser.MessageFor("Ocip.SyncIntervalMinutes").Should().Be("Enter a number of minutes from 5 to 1440.");
        browser.ValueOf("Ocip.Host").Should().Be("https://as1.example:2208");

        var polish = await OpenClusterAsync("pl");
        await polish.SubmitAsync("#ocip-form", new Dictionary<string, string>
        {
            ["Ocip.Host"] = "as1.example", ["Ocip.UserId"] = "admin", ["Ocip.Password"] = "x", ["Ocip.SyncIntervalMinutes"] = "abc",
        });
        polish.MessageFor("Ocip.SyncIntervalMinutes").Should().Be("Wpisz liczbę minut od 5 do 1440.");
        polish.Html().Should().NotContain("value=\"x\"");
        (await ClusterAsync()).HasOcip.Should().BeFalse();
    }

    [Fact]
    public async Task Test_connection_to_a_closed_port_says_the_AS_could_not_be_reached_and_saves_nothing()
    {
        var browser = await OpenClusterAsync();
        await browser.SubmitWithAsync("#ocip-form", "#ocip-test", new Dictionary<string, string>
        {
            ["Ocip.Host"] = "127.0.0.1",
            ["Ocip.Port"] = "9",
            ["Ocip.UserId"] = "flowthrough-ro",
            ["Ocip.Password"] = OcipPassword,
        });

        browser.Status.Should().Be(HttpStatusCode.OK);
        var result = browser.Document.QuerySelector("#ocip-test-result")!;
        result.GetAttribute("role").Should().Be("alert");
        result.GetAttribute("data-outcome").Should().Be("unreachable");
        result.TextContent.Trim().Should().StartWith("Could not reach the AS: ").And.Contain("127.0.0.1");
        browser.Html().Should().NotContain(OcipPassword);
        browser.ValueOf("Ocip.Host").Should().Be("127.0.0.1");
        (await ClusterAsync()).OcipHost.Should().BeNull("Test connection saves nothing");

        // Without a typed password and none saved, the test asks for one instead of trying.
        await browser.SubmitWithAsync("#ocip-form", "#ocip-test", new Dictionary<string, string> { ["Ocip.Password"] = "" });
        browser.MessageFor("Ocip.Password").Should().Be("Enter the OCI-P administrator password.");
        browser.Document.QuerySelector("#ocip-test-result").Should().BeNull();
    }

    [Fact]
    public async Task Test_connection_against_the_simulators_AS_says_a_wrong_password_plainly_and_lists_providers_with_the_right_one()
    {
        await using var simulator = await Simulator.SimulatorHost.StartAsync();
        var browser = await OpenClusterAsync("pl");
        var typed = new Dictionary<string, string>
        {
            ["Ocip.Host"] = "127.0.0.1",
            ["Ocip.Port"] = simulator.Ocip.TcpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Ocip.UserId"] = "ocip-admin",
            ["Ocip.Password"] = "Not-The-Password-1!",
        };

        await browser.SubmitWithAsync("#ocip-form", "#ocip-test", typed);

        var refused = browser.Document.QuerySelector("#ocip-test-result")!;
        refused.GetAttribute("role").Should().Be("alert");
        refused.TextContent.Should().Contain("odrzucił");
        browser.Html().Should().NotContain("Not-The-Password-1!");

        browser = await OpenClusterAsync();
        await browser.SubmitWithAsync("#ocip-form", "#ocip-test", typed);
        browser.Document.QuerySelector("#ocip-test-result")!.TextContent.Trim()
            .Should().Be("The AS refused the OCI-P administrator user ID or password.");

        typed["Ocip.Password"] = "Demo-Ocip-2026!";
        await browser.SubmitWithAsync("#ocip-form", "#ocip-test", typed);
        browser.Text.Should().Contain("sp-warszawa").And.Contain("ent-london");
    }

    [Fact]
    public async Task Another_partners_cluster_is_not_found()
    {
        var other = await hub.App.CreatePartnerAsync();
        var browser = await hub.SignInAsync();
        await browser.OpenAsync($"/partner/clusters/{other.Template.ClusterId}");
        browser.Status.Should().Be(HttpStatusCode.NotFound);
        await browser.OpenAsync($"/partner/clusters/{other.Template.ClusterId}/sync");
        browser.Status.Should().Be(HttpStatusCode.NotFound);

        // Posting to it with a form of one's own cluster page (a valid antiforgery token) finds nothing either.
        await browser.OpenAsync($"/partner/clusters/{ClusterId}");
        browser.Document.QuerySelector("#ocip-form")!.SetAttribute("action", $"/partner/clusters/{other.Template.ClusterId}?handler=Ocip");
        await browser.SubmitAsync("#ocip-form", new Dictionary<string, string>
        {
            ["Ocip.Host"] = "as.example", ["Ocip.UserId"] = "admin", ["Ocip.Password"] = OcipPassword,
        });
        browser.Status.Should().Be(HttpStatusCode.NotFound);
        await using var db = hub.App.CreateDbContext();
        (await db.Clusters.AsNoTracking().SingleAsync(c => c.Id == other.Template.ClusterId)).OcipHost.Should().BeNull();
    }
}
