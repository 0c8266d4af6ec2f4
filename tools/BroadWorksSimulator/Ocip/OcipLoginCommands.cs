using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using static BroadWorksSimulator.Ocip.OcipRequestDocument;

namespace BroadWorksSimulator.Ocip;

/// <summary>
/// The two ways to log in. Signed: AuthenticationRequest gives a nonce, LoginRequest14sp4 sends
/// md5(nonce + ":" + sha1hex(password)) in lowercase hex. Plain: LoginRequest22V5 with the password, only over TLS.
/// Only the configured administrator logs in; everyone else gets the invalid-password error, as a wrong password does.
/// </summary>
internal static class OcipLoginCommands
{
    public static readonly IReadOnlySet<string> Types =
        new HashSet<string>(StringComparer.Ordinal) { "AuthenticationRequest", "LoginRequest14sp4", "LoginRequest22V5", "LogoutRequest" };

    public static XElement Handle(string type, XElement command, OcipContext context) => type switch
    {
        "AuthenticationRequest" => Authenticate(command, context),
        "LoginRequest14sp4" => SignedLogin(command, context),
        "LoginRequest22V5" => PlainLogin(command, context),
        _ => Logout(command, context),
    };

    /// <summary>The signed password a client computes; public so that the README and tests describe the same rule.</summary>
    public static string SignedPassword(string nonce, string password)
    {
        ArgumentNullException.ThrowIfNull(nonce);
        ArgumentNullException.ThrowIfNull(password);
#pragma warning disable CA5350, CA5351 // The protocol fixes SHA-1 and MD5; the simulator only checks what clients send.
        var sha1 = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(password)));
        return Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes($"{nonce}:{sha1}")));
#pragma warning restore CA5350, CA5351
    }

    private static XElement Authenticate(XElement command, OcipContext context)
    {
        var userId = Child(command, "userId");
        if (string.IsNullOrEmpty(userId))
        {
            return OcipResponse.Error(command, OcipError.Validation, "userId is required.");
        }

        // An AS's nonce looks like a millisecond timestamp; a random one of that shape cannot be replayed across sessions.
        var nonce = (1_000_000_000_000 + (long)(BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8)) % 9_000_000_000_000))
            .ToString(CultureInfo.InvariantCulture);
        context.Session.Challenge = (userId, nonce);
        return OcipResponse.Data(command, "AuthenticationResponse",
            new XElement("userId", userId), new XElement("nonce", nonce), new XElement("passwordAlgorithm", "MD5"));
    }

    private static XElement SignedLogin(XElement command, OcipContext context)
    {
        var userId = Child(command, "userId");
        var signed = Child(command, "signedPassword");
        if (context.Session.Challenge is not { } challenge || !string.Equals(challenge.UserId, userId, StringComparison.Ordinal))
        {
            return OcipResponse.Error(command, OcipError.NoNonce);
        }

        // A nonce is good for one attempt, right or wrong.
        context.Session.Challenge = null;
        var expected = SignedPassword(challenge.Nonce, context.Options.Value.OcipPassword);
        var accepted = IsAdministrator(userId, context) && signed is not null && Same(signed.ToLowerInvariant(), expected);
        return Login(command, context, userId!, accepted, "LoginResponse14sp4");
    }

    private static XElement PlainLogin(XElement command, OcipContext context)
    {
        if (!context.Secure)
        {
            return OcipResponse.Error(command, OcipError.PlainPasswordNeedsTls);
        }

        var userId = Child(command, "userId");
        var password = Child(command, "password");
        var accepted = IsAdministrator(userId, context) && password is not null && Same(password, context.Options.Value.OcipPassword);
        return Login(command, context, userId ?? string.Empty, accepted, "LoginResponse22V5");
    }

    private static XElement Login(XElement command, OcipContext context, string userId, bool accepted, string responseType)
    {
        if (!accepted || context.Faults.OcipRejectLogin)
        {
            context.Session.LogOut();
            return OcipResponse.Error(command, OcipError.InvalidLogin);
        }

        context.Session.LoggedInUser = userId;
        // LoginResponse14sp4 and LoginResponse22V5 share these elements, in this order; a system administrator has no group.
        return OcipResponse.Data(command, responseType,
            new XElement("loginType", "System"),
            new XElement("locale", "en_US"),
            new XElement("encoding", "UTF-8"),
            new XElement("isEnterprise", "false"),
            new XElement("userDomain", "localhost"));
    }

    private static XElement Logout(XElement command, OcipContext context)
    {
        context.Session.LogOut();
        return OcipResponse.Success(command);
    }

    private static bool IsAdministrator(string? userId, OcipContext context) =>
        string.Equals(userId, context.Options.Value.OcipUser, StringComparison.Ordinal);

    private static bool Same(string given, string expected) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(expected));
}
