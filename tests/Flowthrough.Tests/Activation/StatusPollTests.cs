using System.Text.Json.Nodes;

namespace Flowthrough.Tests.Activation;

/// <summary>
/// The status the code and progress pages poll: small JSON for the signed-in subscriber only, and polling is not
/// activity, so an open page does not keep an idle sign-in alive past Portal:IdleTimeout.
/// </summary>
public sealed class StatusPollTests : IAsyncLifetime
{
    private PortalFixture portal = null!;
    private TestPartner partner = null!;

    public async ValueTask InitializeAsync()
    {
        portal = await PortalFixture.StartAsync(fakeTime: true,
            settings: new Dictionary<string, string?> { ["Portal:IdleTimeout"] = "00:30:00" });
        partner = await portal.TemplateAsync();
        await portal.SendFromBroadWorksAsync(partner, PortalFixture.Lukasz);
    }

    public async ValueTask DisposeAsync() => await portal.DisposeAsync();

    private string Me => $"/activate/{partner.Template.ActivationSlug}/me";

    private async Task<PortalBrowser> SignedInAsync()
    {
        var browser = portal.Browser();
        await PortalFixture.SignInAsync(browser, partner, PortalFixture.Lukasz, PortalFixture.LukaszPassword);
        browser.Path.Should().Be(Me);
        return browser;
    }

    [Fact]
    public async Task The_status_answers_only_what_the_page_shows_and_only_to_the_signed_in_subscriber()
    {
        var browser = await SignedInAsync();

        var body = JsonNode.Parse(await browser.Client.GetStringAsync(new Uri(Me + "?handler=Status", UriKind.Relative)))!.AsObject();

        body.Select(p => p.Key).Should().BeEquivalentTo("status", "blockedReason");
        ((string?)body["status"]).Should().Be("pending_email_input");
        var stranger = portal.Browser();
        await stranger.OpenAsync(Me + "?handler=Status");
        stranger.Path.Should().Be($"/activate/{partner.Template.ActivationSlug}", "without the portal sign-in there is no status");
    }

    [Fact]
    public async Task Polling_does_not_keep_an_idle_sign_in_alive_while_opening_a_page_does()
    {
        var polling = await SignedInAsync();
        var active = await SignedInAsync();

        // Past half the idle timeout: a request by the subscriber renews the sign-in, a poll does not.
        portal.App.Time!.Advance(TimeSpan.FromMinutes(20));
        (await polling.Client.GetStringAsync(new Uri(Me + "?handler=Status", UriKind.Relative))).Should().Contain("\"status\"");
        await active.OpenAsync(Me);
        portal.App.Time.Advance(TimeSpan.FromMinutes(15));

        await polling.OpenAsync(Me + "?handler=Status");
        polling.Path.Should().Be($"/activate/{partner.Template.ActivationSlug}", "35 idle minutes end the sign-in");
        await active.OpenAsync(Me);
        active.Path.Should().Be(Me, "the page opened 15 minutes ago renewed the sign-in");
    }
}
