using Flowthrough.Provisioning.Targets;
using Flowthrough.Provisioning.Targets.Reconciliation;
using Flowthrough.Tests.PartnerHub;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Flowthrough.Tests.Provisioning.Targets;

/// <summary>
/// Reconciliation against a real SCIM 2.0 server (tools/ScimServer, scimmy): the engine provisions into it, drift is
/// injected straight into the server, reconciliation reports it, and the repairs fix it.
/// </summary>
public sealed class ScimReconciliationTests(ScimServerFixture scim) : IClassFixture<ScimServerFixture>
{
    [Fact]
    public async Task Drift_injected_straight_into_the_SCIM_server_is_reported_and_repair_fixes_it()
    {
        var server = await scim.FreshAsync();
        await using var hub = await HubFixture.StartAsync();
        await UseScimTargetAsync(hub, server);
        var scenario = new ReconciliationScenario(hub, new ScimDriftInjection(server));
        await scenario.ProvisionAndDriftAsync();

        var first = await scenario.RunAsync();
        first.Error.Should().BeNull();
        var items = await scenario.ItemsAsync(first.Id);
        scenario.ShouldFindTheDrift(first, items);
        first.TargetName.Should().Be("scimmy");

        await scenario.RepairAsync(items);
        var deleted = await scenario.ReloadAsync(scenario.Deleted.Id);
        (await server.FindUsersAsync($"externalId eq \"{scenario.Deleted.Id}\"")).Should().ContainSingle()
            .Which.GetProperty("id").GetString().Should().Be(deleted.TargetUserId, "re-push created the deleted user again");
        (await server.FindUsersAsync($"externalId eq \"{scenario.Deactivated.Id}\"")).Single()
            .GetProperty("active").GetBoolean().Should().BeTrue("re-push activated the deactivated user");
        (await server.FindUsersAsync($"externalId eq \"{scenario.Renamed.Id}\"")).Single()
            .GetProperty("name").GetProperty("givenName").GetString().Should().Be("Piotr");
        (await server.FindUsersAsync($"userName eq \"{scenario.Failed.Email}\"")).Should().ContainSingle()
            .Which.GetProperty("externalId").GetString().Should().Be(scenario.Failed.Id.ToString(), "adopt linked the user that was there");

        var second = await scenario.RunAsync();
        ReconciliationScenario.ShouldFindOnlyTheIgnored(second, await scenario.ItemsAsync(second.Id), scenario.StrangerId);
    }

    /// <summary>Points the hub's template at the scimmy server with its bearer token, as Settings → Provisioning targets would.</summary>
    internal static async Task UseScimTargetAsync(HubFixture hub, ScimTestServer server)
    {
        var secrets = hub.App.Services.GetRequiredService<TargetSecrets>();
        await using var db = hub.App.CreateDbContext();
        var target = new ProvisioningTarget
        {
            PartnerId = hub.Partner.Partner.Id,
            Name = "scimmy",
            Kind = TargetKind.Scim,
            BaseUrl = server.BaseUrl.ToString(),
            Authentication = TargetAuthentication.BearerToken,
            ProtectedSecret = secrets.Protect(server.Token),
            Created = DateTime.UtcNow,
        };
        db.ProvisioningTargets.Add(target);
        await db.SaveChangesAsync();
        await db.Templates.Where(t => t.Id == hub.Partner.Template.Id)
            .ExecuteUpdateAsync(u => u.SetProperty(t => t.TargetId, target.Id));
    }
}
