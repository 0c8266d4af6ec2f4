using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Flowthrough.Tests.BroadWorks.Ocip;

/// <summary>A self-signed server certificate, as a lab AS often has.</summary>
internal static class TestCertificates
{
    public static X509Certificate2 SelfSigned(string host = "localhost")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={host}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(host);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));

        // A PFX round trip gives a certificate whose private key SslStream/Kestrel can use on every platform.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);
    }

    /// <summary>The fingerprint the way an operator pastes it: lowercase, colon separated.</summary>
    public static string Fingerprint(X509Certificate2 certificate) =>
        string.Join(':', certificate.GetCertHashString(HashAlgorithmName.SHA256).Chunk(2).Select(p => new string(p))).ToLowerInvariant();
}
