using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Flowthrough.Subscribers;
using Flowthrough.Tests.Activation;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.Tests.Provisioning.Targets;

/// <summary>
/// Subscribers arriving every way (API, flow-through with portal verification) end up as users of a real SCIM 2.0
/// server, with the right attributes and group memberships; package changes and Delete User reach it too.
/// </summary>
public sealed class ScimProvisioningTests(ScimServerFixture scim) : IClassFixture<ScimServerFixture>
{
    private const string Path = "/v1/broadworks/subscribers";
    private const string Enterprise = ScimTestServer.EnterpriseUserSchema;

    [Fact]
    public async Task A_thousand_subscribers_from_the_api_flow_through_and_the_portal_become_scim_users_in_their_groups()
    {
        await using var portal = await PortalFixture.StartAsync();
        var partner = await portal.TemplateAsync();
        var server = await scim.FreshAsync();
        await ScimTargetSetup.PointAtAsync(portal.App, partner, server);
        var client = partner.Client();

        const int viaApi = 998;
        // Eight callers at once, as partner tooling would: the intake is not what this test measures.
        await Parallel.ForEachAsync(Enumerable.Range(0, viaApi),
            new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = TestContext.Current.CancellationToken },
            async (i, token) =>
            {
                var response = await client.PostAsJsonAsync(Path, new Dictionary<string, object?>
                {
                    ["provisioningId"] = partner.Template.ProvisioningId,
                    ["userId"] = $"user{i}@sp.example",
                    ["spEnterpriseId"] = i % 2 == 0 ? "sp1+north" : "sp1+south",
                    ["firstName"] = $"Anna{i}",
                    ["lastName"] = "Nowak-Żółć",
                    ["package"] = i % 3 == 0 ? "premium" : "standard",
                    ["email"] = $"anna{i}@acme.example",
                    ["primaryPhoneNumber"] = $"+48 22 555 {i:0000}",
                    ["language"] = "pl",
                    ["timezone"] = "Europe/Warsaw",
                }, token);
                response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(token));
            });

        foreach (var (userId, password, email) in new[]
                 {
                     (PortalFixture.Lukasz, PortalFixture.LukaszPassword, "lukasz@firma.example"),
                     (PortalFixture.Zofia, PortalFixture.ZofiaPassword, "zofia@firma.example"),
                 })
        {
            await ActivateThroughThePortalAsync(portal, partner, userId, password, email);
        }

        await portal.DrainEngineAsync();

        await using var db = portal.App.CreateDbContext();
        var subscribers = await db.Subscribers.AsNoTracking().Where(s => s.TemplateId == partner.Template.Id).ToListAsync();
        subscribers.Should().HaveCount(1000);
        subscribers.Should().OnlyContain(s => s.Status == SubscriberStatus.Provisioned);
        var users = await server.UsersAsync();
        users.Should().HaveCount(1000, "exactly one SCIM user per subscriber");
        var byExternalId = users.ToDictionary(u => u.GetProperty("externalId").GetString()!);
        foreach (var subscriber in subscribers)
        {
            var user = byExternalId[subscriber.Id.ToString()];
            user.GetProperty("id").GetString().Should().Be(subscriber.TargetUserId);
            user.GetProperty("userName").GetString().Should().BeEquivalentTo(subscriber.Email);
            user.GetProperty("name").GetProperty("givenName").GetString().Should().Be(subscriber.FirstName);
            user.GetProperty("name").GetProperty("familyName").GetString().Should().Be(subscriber.LastName);
            user.GetProperty("emails")[0].GetProperty("value").GetString().Should().Be(subscriber.Email);
            user.GetProperty("active").GetBoolean().Should().BeTrue();
            user.GetProperty(Enterprise).GetProperty("organization").GetString().Should().Be(subscriber.SpEnterpriseId);
        }

        var groups = await GroupMembersAsync(server);
        foreach (var organization in subscribers.GroupBy(s => s.SpEnterpriseId))
        {
            groups[organization.Key].Should().BeEquivalentTo(organization.Select(s => s.TargetUserId));
            foreach (var package in organization.GroupBy(s => s.Package))
            {
                groups[$"{organization.Key} {package.Key}"].Should().BeEquivalentTo(package.Select(s => s.TargetUserId),
                    $"the {package.Key} group of {organization.Key} holds exactly its users");
            }
        }

        var lukasz = subscribers.Single(s => s.UserId == PortalFixture.Lukasz);
        byExternalId[lukasz.Id.ToString()].GetProperty("userName").GetString().Should().Be("lukasz@firma.example");
    }

    [Fact]
    public async Task A_package_change_moves_the_user_between_groups_and_delete_user_deactivates_it()
    {
        await using var app = await FlowthroughApplication.CreateAsync();
        var partner = await app.CreatePartnerAsync();
        var server = await scim.FreshAsync();
        await ScimTargetSetup.PointAtAsync(app, partner, server);
        var client = partner.Client();
        var created = await ProvisionAsync(client, partner, "kasia@sp.example", "kasia@acme.example", "standard");
        var removed = await ProvisionAsync(client, partner, "tomek@sp.example", "tomek@acme.example", "standard");
        await app.DrainEngineAsync();

        (await client.PutAsJsonAsync($"{Path}/{created}", new { package = "premium", firstName = "Katarzyna" }))
            .StatusCode.Should().Be(HttpStatusCode.OK);
        (await client.DeleteAsync($"{Path}/{removed}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        await app.DrainEngineAsync();

        var kasia = (await server.FindUsersAsync($"externalId eq \"{created}\"")).Single();
        kasia.GetProperty("name").GetProperty("givenName").GetString().Should().Be("Katarzyna", "details are PATCHed");
        var groups = await GroupMembersAsync(server);
        var kasiaId = kasia.GetProperty("id").GetString();
        groups["sp1+g1 Premium"].Should().Contain(kasiaId);
        groups["sp1+g1 Standard"].Should().NotContain(kasiaId);
        var tomek = (await server.FindUsersAsync($"externalId eq \"{removed}\"")).Single();
        tomek.GetProperty("active").GetBoolean().Should().BeFalse("Delete User deactivates the user in the target");
        (await server.RequestsAsync()).Should().Contain(r => r.Method == "PATCH" && r.Path.Contains(tomek.GetProperty("id").GetString()!));
        await using var db = app.CreateDbContext();
        (await db.TargetRemovals.CountAsync()).Should().Be(0, "the removal is done");
    }

    [Fact]
    public async Task In_attribute_mode_the_package_is_an_attribute_of_the_user_and_no_package_group_is_made()
    {
        const string Division = ScimTestServer.EnterpriseUserSchema + ":division";
        await using var app = await FlowthroughApplication.CreateAsync();
        var partner = await app.CreatePartnerAsync();
        var server = await scim.FreshAsync();
        await ScimTargetSetup.PointAtAsync(app, partner, server, t =>
        {
            t.PackageMode = Flowthrough.Provisioning.Targets.PackageMode.Attribute;
            t.PackageAttribute = Division;
        });
        var client = partner.Client();
        var id = await ProvisionAsync(client, partner, "ola@sp.example", "ola@acme.example", "premium");
        await app.DrainEngineAsync();

        (await client.PutAsJsonAsync($"{Path}/{id}", new { package = "softphone" })).StatusCode.Should().Be(HttpStatusCode.OK);
        await app.DrainEngineAsync();

        var ola = (await server.FindUsersAsync($"externalId eq \"{id}\"")).Single();
        ola.GetProperty(Enterprise).GetProperty("division").GetString().Should().Be("Softphone");
        (await GroupMembersAsync(server)).Keys.Should().Equal(["sp1+g1"], "only the organisation is a group");
    }

    internal static async Task<string> ProvisionAsync(HttpClient client, TestPartner partner, string userId, string email,
        string package, string enterprise = "sp1+g1")
    {
        var response = await client.PostAsJsonAsync(Path, new Dictionary<string, object?>
        {
            ["provisioningId"] = partner.Template.ProvisioningId,
            ["userId"] = userId,
            ["spEnterpriseId"] = enterprise,
            ["firstName"] = "Kasia",
            ["lastName"] = "Wiśniewska",
            ["package"] = package,
            ["email"] = email,
            ["primaryPhoneNumber"] = "+48 22 555 0101",
        });
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    /// <summary>Group display name → its members' user ids.</summary>
    internal static async Task<Dictionary<string, List<string?>>> GroupMembersAsync(ScimTestServer server) =>
        (await server.GroupsAsync()).ToDictionary(g => g.GetProperty("displayName").GetString()!,
            g => g.TryGetProperty("members", out var members)
                ? members.EnumerateArray().Select(m => m.GetProperty("value").GetString()).ToList()
                : []);

    private static async Task ActivateThroughThePortalAsync(PortalFixture portal, TestPartner partner, string userId,
        string password, string email)
    {
        var subscriber = await portal.SendFromBroadWorksAsync(partner, userId);
        var browser = portal.Browser();
        await PortalFixture.SignInAsync(browser, partner, userId, password);
        await browser.SubmitAsync("form[action*='handler=Email']", new Dictionary<string, string> { ["Email"] = email });
        var (code, _, _) = await portal.LatestMailAsync(subscriber.Id);
        await browser.SubmitAsync("form[action*='handler=Code']", new Dictionary<string, string> { ["Code"] = code });
        (await portal.SubscriberAsync(userId))!.Status.Should().Be(SubscriberStatus.Provisioning);
    }
}
