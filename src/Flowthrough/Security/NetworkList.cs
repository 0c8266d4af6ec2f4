using System.Net;
using System.Net.Sockets;
using IPNetwork = System.Net.IPNetwork;

namespace Flowthrough.Security;

/// <summary>
/// A configured list of addresses (10.0.0.5) and networks (10.0.0.0/8), as a configuration array or one value
/// separated by ';' or ','. Used for trusted proxies, allowed outbound networks and who may read /metrics.
/// </summary>
public static class NetworkList
{
    public static IReadOnlyList<IPNetwork> Read(IConfiguration configuration, string key)
    {
        var section = configuration.GetSection(key);
        var entries = section.Value is { } single
            ? single.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : section.GetChildren().Select(c => c.Value?.Trim()).OfType<string>().Where(v => v.Length > 0).ToArray();
        return entries.Select(entry => Parse(key, entry)).ToList();
    }

    public static bool Contains(IEnumerable<IPNetwork> networks, IPAddress address)
    {
        var candidate = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        return networks.Any(n => n.Contains(candidate));
    }

    private static IPNetwork Parse(string key, string entry)
    {
        if (IPNetwork.TryParse(entry, out var network))
        {
            return network;
        }

        if (IPAddress.TryParse(entry, out var address))
        {
            return new IPNetwork(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
        }

        throw new InvalidOperationException($"{key}: '{entry}' is neither an IP address nor a network such as 10.0.0.0/8.");
    }
}
