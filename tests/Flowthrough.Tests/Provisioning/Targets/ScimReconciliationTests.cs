using Flowthrough.Provisioning.Targets.Reconciliation;
using Flowthrough.Tests.PartnerHub;

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
        await ScimTargetSetup.PointAtAsync(hub.App, hub.Partner, server);
        var scenario = new ReconciliationScenario(hub, new ScimDriftInjection(server));
        await scenario.ProvisionAndDriftAsync();

        var first = await scenario.RunAsync();
        first.Error.Should().BeNull();
        var items = await scenario.ItemsAsync(first.Id);
        scenario.ShouldFindTheDrift(first, items);
        first.TargetName.Should().Be("SCIM test server");

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
}
