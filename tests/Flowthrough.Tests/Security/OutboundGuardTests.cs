using System.Net;
using System.Net.Sockets;
using Flowthrough.Security;
using Microsoft.Extensions.Configuration;

namespace Flowthrough.Tests.Security;

/// <summary>Addresses an admin types are dialled only when public, or allowed by Outbound:AllowedNetworks.</summary>
public sealed class OutboundGuardTests
{
    private static OutboundGuard Guard(string? allowed = null) => new(new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?> { [OutboundGuard.AllowedNetworksKey] = allowed }).Build());

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("169.254.169.254")]
    [InlineData("fe80::1")]
    [InlineData("10.20.30.40")]
    [InlineData("172.16.0.1")]
    [InlineData("192.168.1.1")]
    [InlineData("100.64.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("fd00::1")]
    [InlineData("224.0.0.1")]
    public void Loopback_link_local_and_private_addresses_are_refused_by_default(string address) =>
        Guard().IsAllowed(IPAddress.Parse(address)).Should().BeFalse();

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("2001:4860:4860::8888")]
    [InlineData("172.32.0.1")]
    public void Public_addresses_are_allowed(string address) => Guard().IsAllowed(IPAddress.Parse(address)).Should().BeTrue();

    [Fact]
    public void A_configured_network_is_allowed()
    {
        var guard = Guard("10.20.0.0/16; 127.0.0.1");
        guard.IsAllowed(IPAddress.Parse("10.20.30.40")).Should().BeTrue();
        guard.IsAllowed(IPAddress.Parse("10.21.0.1")).Should().BeFalse();
        guard.IsAllowed(IPAddress.Parse("127.0.0.1")).Should().BeTrue();
    }

    [Fact]
    public async Task Connecting_to_a_refused_address_fails_before_any_packet_and_names_the_setting()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        var refused = () => Guard().ConnectAsync("localhost", port, TestContext.Current.CancellationToken);
        (await refused.Should().ThrowAsync<OutboundRefusedException>()).WithMessage("*Outbound:AllowedNetworks*");

        using var socket = await Guard("127.0.0.0/8;::1").ConnectAsync("localhost", port, TestContext.Current.CancellationToken);
        socket.Connected.Should().BeTrue();
    }

    [Fact]
    public async Task The_app_refuses_a_scim_target_on_loopback_unless_allowed()
    {
        await using var app = await FlowthroughApplication.CreateAsync(
            new Dictionary<string, string?> { [OutboundGuard.AllowedNetworksKey] = "" });
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var client = app.Service<IHttpClientFactory>().CreateClient(Flowthrough.Provisioning.Targets.Scim.ScimConnection.ClientName);
        var call = () => client.GetAsync($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/scim/v2/Users",
            TestContext.Current.CancellationToken);
        (await call.Should().ThrowAsync<HttpRequestException>()).WithInnerException<OutboundRefusedException>();
    }
}
