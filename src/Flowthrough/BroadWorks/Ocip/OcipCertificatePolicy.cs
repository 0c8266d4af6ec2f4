using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Flowthrough.BroadWorks.Ocip;

/// <summary>
/// Server certificate check shared by the TCP and SOAP transports: the OS's validation, or, when the cluster pins
/// a certificate by SHA-256 fingerprint, exactly that certificate even if its chain or name is not trusted.
/// Remembers what was presented so a refusal can name the fingerprint an operator would have to pin.
/// </summary>
internal sealed class OcipCertificatePolicy(string? trustedSha256)
{
    private readonly string? pinned = Normalize(trustedSha256);

    public string? PresentedSha256 { get; private set; }

    public SslPolicyErrors PresentedErrors { get; private set; }

    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        PresentedSha256 = certificate?.GetCertHashString(HashAlgorithmName.SHA256);
        PresentedErrors = errors;
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        return pinned is not null && PresentedSha256 is not null
            && string.Equals(pinned, PresentedSha256, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>An operator-facing reason for a failed handshake.</summary>
    public string Describe(string address) => PresentedSha256 is null
        ? $"TLS handshake with {address} failed."
        : $"TLS handshake with {address} failed: the server certificate is not trusted ({PresentedErrors}); " +
          $"its SHA-256 fingerprint is {Colons(PresentedSha256)}" +
          (pinned is null ? ". Pin it on the cluster if it is the AS's own certificate." : ", not the pinned one.");

    public static string? Normalize(string? fingerprint)
    {
        if (string.IsNullOrWhiteSpace(fingerprint))
        {
            return null;
        }

        return string.Concat(fingerprint.Where(char.IsAsciiHexDigit)).ToUpperInvariant();
    }

    private static string Colons(string hex) => string.Join(':', hex.Chunk(2).Select(pair => new string(pair)));
}
