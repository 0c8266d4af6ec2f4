using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection.Extensions;
using IPNetwork = System.Net.IPNetwork;

namespace Flowthrough.Security;

/// <summary>
/// Every address an admin can type (a cluster's Xsi-Actions and OCI-P, a SCIM target) is called only if it resolves
/// to a public address, or to a network allowed in <c>Outbound:AllowedNetworks</c>: a Partner Hub admin must not be
/// able to make the server call its own loopback services, the cloud metadata address (169.254.169.254) or the
/// operator's private network. The check runs where the socket connects, on the address actually dialled, so a
/// name that resolves differently later (DNS rebinding) is caught too.
/// </summary>
public sealed class OutboundGuard
{
    public const string AllowedNetworksKey = "Outbound:AllowedNetworks";

    /// <summary>Loopback, link-local, private (RFC 1918, unique local), shared (CGNAT), unspecified and multicast.</summary>
    private static readonly IPNetwork[] Refused =
    [
        IPNetwork.Parse("0.0.0.0/8"), IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("100.64.0.0/10"),
        IPNetwork.Parse("127.0.0.0/8"), IPNetwork.Parse("169.254.0.0/16"), IPNetwork.Parse("172.16.0.0/12"),
        IPNetwork.Parse("192.168.0.0/16"), IPNetwork.Parse("224.0.0.0/3"),
        IPNetwork.Parse("::/128"), IPNetwork.Parse("::1/128"), IPNetwork.Parse("fc00::/7"), IPNetwork.Parse("fe80::/10"),
        IPNetwork.Parse("ff00::/8"),
    ];

    private readonly IReadOnlyList<IPNetwork> allowed;

    public OutboundGuard(IConfiguration configuration) => allowed = NetworkList.Read(configuration, AllowedNetworksKey);

    private OutboundGuard(IReadOnlyList<IPNetwork> allowed) => this.allowed = allowed;

    /// <summary>For code outside the app's container (tests, tools) that calls a simulator on loopback.</summary>
    public static OutboundGuard Unrestricted { get; } = new([IPNetwork.Parse("0.0.0.0/0"), IPNetwork.Parse("::/0")]);

    public bool IsAllowed(IPAddress address) =>
        NetworkList.Contains(allowed, address) || !NetworkList.Contains(Refused, address);

    /// <summary>Resolves <paramref name="host"/> and connects to its first allowed address, or refuses.</summary>
    public async Task<Socket> ConnectAsync(string host, int port, CancellationToken cancellationToken)
    {
        var addresses = IPAddress.TryParse(host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, cancellationToken);
        var permitted = addresses.Where(IsAllowed).ToList();
        if (permitted.Count == 0)
        {
            throw new OutboundRefusedException(host, addresses);
        }

        SocketException? last = null;
        foreach (var address in permitted)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, port), cancellationToken);
                return socket;
            }
            catch (SocketException e)
            {
                socket.Dispose();
                last = e;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw last!;
    }

    /// <summary>A <see cref="SocketsHttpHandler.ConnectCallback"/> that dials through this guard.</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var socket = await ConnectAsync(context.DnsEndPoint.Host, context.DnsEndPoint.Port, cancellationToken);
        return new NetworkStream(socket, ownsSocket: true);
    }
}

/// <summary>The address is on a network Flowthrough does not call (see <see cref="OutboundGuard"/>).</summary>
public sealed class OutboundRefusedException(string host, IEnumerable<IPAddress> addresses) : IOException(
    $"Refused to connect to {host} ({string.Join(", ", addresses)}): loopback, link-local and private addresses are "
    + $"called only when {OutboundGuard.AllowedNetworksKey} allows them.");

public static class OutboundGuardServiceCollectionExtensions
{
    public static IServiceCollection AddOutboundGuard(this IServiceCollection services)
    {
        services.TryAddSingleton<OutboundGuard>();
        return services;
    }

    /// <summary>Makes a named or typed client dial through the guard.</summary>
    public static IHttpClientBuilder DialThroughOutboundGuard(this IHttpClientBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOutboundGuard();
        return builder.UseSocketsHttpHandler((handler, services) =>
            handler.ConnectCallback = services.GetRequiredService<OutboundGuard>().ConnectAsync);
    }
}
