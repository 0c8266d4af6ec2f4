namespace Flowthrough.Tests.Activation;

/// <summary>With OCI-P on the cluster, the AS says live who may activate: Integrated IM&amp;P on and the group mapped here.</summary>
public sealed class EntitlementTests : IAsyncLifetime
{
    private PortalFixture portal = null!;

    public async ValueTask InitializeAsync() => portal = await PortalFixture.StartAsync();

    public async ValueTask DisposeAsync() => await portal.DisposeAsync();

    [Fact]
    public async Task A_user_without_Integrated_IMP_is_refused_and_nothing_is_created()
    {
        var partner = await WithOcipAsync(groupId: null);
        var browser = portal.Browser();

        await PortalFixture.SignInAsync(browser, partner, PortalFixture.Lukasz, PortalFixture.LukaszPassword);

        browser.Text.Should().Contain("Integrated IM&P is not switched on for your BroadWorks user");
        (await portal.SubscriberAsync(PortalFixture.Lukasz)).Should().BeNull();
    }

    [Fact]
    public async Task A_user_with_Integrated_IMP_in_a_mapped_group_is_admitted_without_a_bridge_call()
    {
        var partner = await WithOcipAsync(groupId: null);
        portal.Simulator.Store.Update(PortalFixture.Lukasz, s => s with { ImpActive = true, ImpAssigned = true });
        var browser = portal.Browser("pl-PL,pl;q=0.9");

        await PortalFixture.SignInAsync(browser, partner, PortalFixture.Lukasz, PortalFixture.LukaszPassword);

        browser.Path.Should().Be($"/activate/{partner.Template.ActivationSlug}/me");
        (await portal.SubscriberAsync(PortalFixture.Lukasz)).Should().NotBeNull();
    }

    [Fact]
    public async Task A_user_whose_group_maps_to_another_template_is_refused_in_Polish_too()
    {
        // Only Wola is mapped here; Łukasz is in Mokotów.
        var partner = await WithOcipAsync(groupId: "warszawa-wola");
        portal.Simulator.Store.Update(PortalFixture.Lukasz, s => s with { ImpActive = true, ImpAssigned = true });
        var browser = portal.Browser("pl-PL,pl;q=0.9");

        await PortalFixture.SignInAsync(browser, partner, PortalFixture.Lukasz, PortalFixture.LukaszPassword);

        browser.Text.Should().Contain("Usługa Integrated IM&P nie jest włączona");
        (await portal.SubscriberAsync(PortalFixture.Lukasz)).Should().BeNull();
    }

    private Task<TestPartner> WithOcipAsync(string? groupId) => portal.WithOcipAsync(groupId);
}
