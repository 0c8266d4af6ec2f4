using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;

namespace Flowthrough.BroadWorks.Ocip;

/// <summary>
/// The OCI-P login. Signed (any transport): AuthenticationRequest → nonce, then LoginRequest14sp4 with
/// MD5(nonce ":" SHA1(password)), so the password never crosses the wire. Plain (TLS only): LoginRequest22V5
/// with the password, falling back to signed when the AS refuses it.
/// </summary>
internal static class OcipLogin
{
    public delegate Task<IReadOnlyList<OcipResponse>> Exchange(IReadOnlyList<XElement> commands, CancellationToken ct);

    public static XElement AuthenticationRequest(string userId) =>
        new("AuthenticationRequest", new XElement("userId", userId));

    public static XElement LoginRequest14sp4(string userId, string signedPassword) =>
        new("LoginRequest14sp4", new XElement("userId", userId), new XElement("signedPassword", signedPassword));

    public static XElement LoginRequest22V5(string userId, string password) =>
        new("LoginRequest22V5", new XElement("userId", userId), new XElement("password", password));

    /// <summary>lowercase hex MD5( nonce + ":" + lowercase hex SHA1(password) ), as the AS computes it.</summary>
    public static string SignPassword(string nonce, string password)
    {
        // The protocol fixes these algorithms; they protect a one-time nonce, not stored credentials.
#pragma warning disable CA5350, CA5351
        var sha1 = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(password)));
        return Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes($"{nonce}:{sha1}")));
#pragma warning restore CA5350, CA5351
    }

    public static async Task LoginAsync(OcipEndpoint endpoint, Exchange exchange, CancellationToken ct)
    {
        if (endpoint.UsesTls)
        {
            var plain = (await exchange([LoginRequest22V5(endpoint.UserId, endpoint.Password)], ct))[0];
            if (!plain.IsError)
            {
                return;
            }
        }

        var authentication = (await exchange([AuthenticationRequest(endpoint.UserId)], ct))[0];
        ThrowIfRefused(endpoint, authentication);
        var nonce = authentication.Value("nonce")
            ?? throw new OcipProtocolException("The AuthenticationResponse carries no nonce.");
        var login = (await exchange([LoginRequest14sp4(endpoint.UserId, SignPassword(nonce, endpoint.Password))], ct))[0];
        ThrowIfRefused(endpoint, login);
    }

    private static void ThrowIfRefused(OcipEndpoint endpoint, OcipResponse response)
    {
        if (response.IsError)
        {
            var error = response.ToException();
            throw new OcipLoginException(endpoint.UserId, error.Summary, error.ErrorCode);
        }
    }
}
