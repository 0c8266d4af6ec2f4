using System.Security.Cryptography;
using System.Text;
using Flowthrough.Security;

namespace Flowthrough.Operations;

/// <summary>
/// Who may read <c>/metrics</c> and the health details: callers from <c>Operations:AllowedNetworks</c> (loopback
/// only, by default: a Prometheus agent on the same host) or with <c>Authorization: Bearer {Operations:Token}</c>.
/// Behind a proxy, the address is the forwarded one only when the proxy is trusted (ForwardedHeaders:TrustedProxies).
/// </summary>
public sealed class OperationsAccess
{
    public const string Section = "Operations";

    private readonly IReadOnlyList<System.Net.IPNetwork> allowed;
    private readonly byte[]? token;

    public OperationsAccess(IConfiguration configuration)
    {
        var key = $"{Section}:AllowedNetworks";
        allowed = configuration.GetSection(key).Exists()
            ? NetworkList.Read(configuration, key)
            : [System.Net.IPNetwork.Parse("127.0.0.0/8"), System.Net.IPNetwork.Parse("::1/128")];
        token = configuration[$"{Section}:Token"] is { Length: > 0 } value ? Encoding.UTF8.GetBytes(value) : null;
    }

    public bool Allows(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (token is not null && context.Request.Headers.Authorization.ToString() is { } header
            && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header["Bearer ".Length..].Trim()), token))
        {
            return true;
        }

        return context.Connection.RemoteIpAddress is { } address && NetworkList.Contains(allowed, address);
    }
}
