using Flowthrough.Provisioning.Targets;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.Tests.PartnerHub.Targets;

/// <summary>
/// Test connection against a SCIM stand-in on Kestrel: what the server supports, the enterprise-extension warning,
/// OAuth client credentials, a base URL per customer, and the failures in plain words. Nothing is saved by a test.
/// </summary>
public sealed class TestConnectionTests : IAsyncLifetime
{
    private HubFixture hub = null!;
    private ScimStandIn scim = null!;

    public async ValueTask InitializeAsync()
    {
        hub = await HubFixture.StartAsync();
        scim = await ScimStandIn.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await scim.DisposeAsync();
        await hub.DisposeAsync();
    }

    private static Dictionary<string, string> Feature(PortalBrowser browser) =>
        browser.Document.QuerySelectorAll("#features tr").ToDictionary(r => r.GetAttribute("data-feature")!, r => r.QuerySelector("td")!.TextContent);

    [Fact]
    public async Task The_saved_settings_show_what_the_server_supports()
    {
        var target = await TargetsTests.AddTargetAsync(hub.App, hub.Partner.Partner.Id, "Stand-in", scim.Full, ScimStandIn.Token);
        var browser = await hub.SignInAsync();
        await browser.OpenAsync($"/partner/targets/{target.Id}");

        await browser.SubmitWithAsync("#target-form", "#test-target");

        var result = browser.Document.QuerySelector("#test-result") ?? throw new InvalidOperationException(browser.Status + browser.Path + browser.Text);
        result.GetAttribute("data-outcome").Should().Be("Supported");
        result.QuerySelector(".result-ok")!.TextContent.Should().Be("Connected: the server speaks SCIM 2.0.");
        Feature(browser).Should().BeEquivalentTo(new Dictionary<string, string>
        {
            ["patch"] = "Yes",
            ["filter"] = "Yes (at most 200 results)",
            ["bulk"] = "No",
            ["changePassword"] = "No",
            ["sort"] = "Yes",
            ["etag"] = "No",
            ["authenticationSchemes"] = "OAuth Bearer Token, HTTP Basic",
            ["user"] = "Yes",
            ["group"] = "Yes",
            ["enterprise"] = "Yes",
            ["schemas"] = "urn:ietf:params:scim:schemas:core:2.0:Userurn:ietf:params:scim:schemas:core:2.0:Groupurn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
        });
        browser.Document.QuerySelector("#enterprise-warning").Should().BeNull();
        scim.Requests.Should().Contain(["/full/scim/v2/ServiceProviderConfig", "/full/scim/v2/Schemas"]);
        browser.Html().Should().NotContain(ScimStandIn.Token);
    }

    [Fact]
    public async Task Typed_settings_are_tested_unsaved_and_a_missing_enterprise_extension_is_a_warning()
    {
        var browser = await hub.SignInAsync();
        await browser.OpenAsync("/partner/targets/new");

        await browser.SubmitWithAsync("#target-form", "#test-target", new Dictionary<string, string>
        {
            ["Input.Name"] = "",
            ["Input.BaseUrl"] = scim.CoreOnly,
            ["Input.Secret"] = ScimStandIn.Token,
        });

        browser.MessageFor("Input.Name").Should().BeEmpty("a test needs no name");
        Feature(browser)["enterprise"].Should().Be("No");
        browser.Document.QuerySelector("#enterprise-warning")!.TextContent.Should().StartWith("The server does not list the enterprise user extension");
        browser.Html().Should().NotContain(ScimStandIn.Token);
        browser.ValueOf("Input.Secret").Should().BeEmpty();
        browser.ValueOf("Input.BaseUrl").Should().Be(scim.CoreOnly);

        // Without the enterprise line in the mapping there is nothing to warn about.
        await browser.SubmitWithAsync("#target-form", "#test-target", new Dictionary<string, string>
        {
            ["Input.Secret"] = ScimStandIn.Token,
            ["Input.Mapping"] = "userName = email\nexternalId = subscriberId",
        });
        Feature(browser)["enterprise"].Should().Be("No");
        browser.Document.QuerySelector("#enterprise-warning").Should().BeNull();

        await using var db = hub.App.CreateDbContext();
        (await db.ProvisioningTargets.CountAsync()).Should().Be(0);
    }

    [Fact]
    public async Task A_typed_secret_wins_over_the_saved_one_and_a_refused_one_is_said_in_plain_words()
    {
        var target = await TargetsTests.AddTargetAsync(hub.App, hub.Partner.Partner.Id, "Stand-in", scim.Full, "not-the-token");
        var browser = await hub.SignInAsync();
        await browser.OpenAsync($"/partner/targets/{target.Id}");

        await browser.SubmitWithAsync("#target-form", "#test-target");
        var result = browser.Document.QuerySelector("#test-result")!;
        result.GetAttribute("data-outcome").Should().Be("CredentialsRefused");
        result.QuerySelector(".result-bad")!.TextContent.Should()
            .Be("The server refused the credentials (401/403). Check the token or the client ID and secret.");
        browser.Document.QuerySelector("#test-detail")!.TextContent.Should().Contain("401").And.Contain("Authorization failure");

        await browser.SubmitWithAsync("#target-form", "#test-target", new Dictionary<string, string> { ["Input.Secret"] = ScimStandIn.Token });
        browser.Document.QuerySelector("#test-result")!.GetAttribute("data-outcome").Should().Be("Supported");

        var polish = await hub.SignInAsync(language: "pl");
        await polish.OpenAsync($"/partner/targets/{target.Id}");
        await polish.SubmitWithAsync("#target-form", "#test-target");
        polish.Document.QuerySelector("#test-result .result-bad")!.TextContent.Should()
            .Be("Serwer odrzucił dane logowania (401/403). Sprawdź token albo identyfikator i klucz tajny klienta.");

        await using var db = hub.App.CreateDbContext();
        (await db.ProvisioningTargets.AsNoTracking().SingleAsync(t => t.Id == target.Id)).ProtectedSecret.Should().Be(target.ProtectedSecret);
    }

    [Fact]
    public async Task Unreachable_and_not_scim_servers_are_told_apart()
    {
        var browser = await hub.SignInAsync();
        await browser.OpenAsync("/partner/targets/new");

        await browser.SubmitWithAsync("#target-form", "#test-target", new Dictionary<string, string>
        {
            ["Input.BaseUrl"] = "http://127.0.0.1:9/scim/v2",
            ["Input.Secret"] = ScimStandIn.Token,
        });
        var result = browser.Document.QuerySelector("#test-result")!;
        result.GetAttribute("data-outcome").Should().Be("Unreachable");
        result.QuerySelector(".result-bad")!.TextContent.Should().Be("Unreachable: the server did not answer.");
        browser.Document.QuerySelector("#test-detail")!.TextContent.Should().Contain("127.0.0.1");

        await browser.SubmitWithAsync("#target-form", "#test-target", new Dictionary<string, string>
        {
            ["Input.BaseUrl"] = scim.Html,
            ["Input.Secret"] = ScimStandIn.Token,
        });
        browser.Document.QuerySelector("#test-result")!.GetAttribute("data-outcome").Should().Be("NotScim");
        browser.Document.QuerySelector("#test-result .result-bad")!.TextContent.Should()
            .Be("It answered, but it is not a SCIM 2.0 server at this address. Check the base URL.");

        await browser.SubmitWithAsync("#target-form", "#test-target", new Dictionary<string, string>
        {
            ["Input.BaseUrl"] = $"{scim.Url}/nothing/here",
            ["Input.Secret"] = ScimStandIn.Token,
        });
        browser.Document.QuerySelector("#test-result")!.GetAttribute("data-outcome").Should().Be("NotScim");
    }

    [Fact]
    public async Task Oauth_client_credentials_and_a_base_url_per_customer_are_used_as_provisioning_uses_them()
    {
        var browser = await hub.SignInAsync();
        await browser.OpenAsync("/partner/targets/new");
        browser.Tick("Input.Authentication", value: nameof(TargetAuthentication.OAuthClientCredentials));
        browser.Tick("Input.OrganizationMode", value: nameof(OrganizationMode.BaseUrlPerCustomer));

        await browser.SubmitWithAsync("#target-form", "#test-target", new Dictionary<string, string>
        {
            ["Input.BaseUrl"] = scim.PerCustomer,
            ["Input.TokenUrl"] = scim.TokenUrl,
            ["Input.ClientId"] = ScimStandIn.ClientId,
            ["Input.Secret"] = ScimStandIn.ClientSecret,
            ["SampleEnterpriseId"] = "acme-42",
        });
        browser.Document.QuerySelector("#test-result")!.GetAttribute("data-outcome").Should().Be("Supported");
        scim.Requests.Should().Contain(["/oauth/token", "/tenants/acme-42/scim/v2/ServiceProviderConfig", "/tenants/acme-42/scim/v2/Schemas"]);
        browser.Html().Should().NotContain(ScimStandIn.ClientSecret);

        // Without a sample id the literal "test" fills the URL; a wrong client secret is refused by the token endpoint.
        await browser.SubmitWithAsync("#target-form", "#test-target", new Dictionary<string, string>
        {
            ["Input.Secret"] = "wrong-secret",
            ["SampleEnterpriseId"] = "",
        });
        browser.Document.QuerySelector("#test-result")!.GetAttribute("data-outcome").Should().Be("CredentialsRefused");
        await browser.SubmitWithAsync("#target-form", "#test-target", new Dictionary<string, string> { ["Input.Secret"] = ScimStandIn.ClientSecret });
        scim.Requests.Should().Contain("/tenants/test/scim/v2/ServiceProviderConfig");
    }
}
