using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace Flowthrough.Security;

/// <summary>
/// The data-protection key ring lives in the database beside what it protects (cookies, BroadWorks and target
/// passwords, SCIM tokens), so a copy of the database must not carry the keys in the clear. Each key is encrypted
/// before it is stored, with either a certificate (<c>DataProtection:CertificatePath</c> and
/// <c>DataProtection:CertificatePassword</c>, the framework's own XML encryption) or a 256-bit key from configuration
/// (<c>DataProtection:KeyEncryptionKey</c>, base64; AES-256-GCM). Keys stored before encryption was configured stay
/// readable until they expire (90 days); every new key is encrypted.
/// </summary>
public static class KeyRingEncryption
{
    public const string Section = "DataProtection";

    public static IServiceCollection AddKeyRingEncryption(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddDataProtection().ProtectKeysFromConfiguration(configuration);
        return services;
    }

    private static IDataProtectionBuilder ProtectKeysFromConfiguration(this IDataProtectionBuilder builder,
        IConfiguration configuration)
    {
        var key = configuration[$"{Section}:KeyEncryptionKey"];
        var certificatePath = configuration[$"{Section}:CertificatePath"];
        if (!string.IsNullOrWhiteSpace(key))
        {
            var bytes = ParseKey(key);
            builder.Services.AddSingleton(new ConfiguredKey(bytes));
            builder.AddKeyManagementOptions(o => o.XmlEncryptor = new ConfiguredKeyXmlEncryptor(bytes));
        }
        else if (!string.IsNullOrWhiteSpace(certificatePath))
        {
            builder.ProtectKeysWithCertificate(X509CertificateLoader.LoadPkcs12FromFile(certificatePath,
                configuration[$"{Section}:CertificatePassword"]));
        }

        return builder;
    }

    /// <summary>True when new keys will be stored encrypted (the start-up warning and the health details say so).</summary>
    public static bool IsConfigured(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration[$"{Section}:KeyEncryptionKey"])
        || !string.IsNullOrWhiteSpace(configuration[$"{Section}:CertificatePath"]);

    private static byte[] ParseKey(string value)
    {
        var bytes = new byte[64];
        if (!Convert.TryFromBase64String(value.Trim(), bytes, out var written) || written != 32)
        {
            throw new InvalidOperationException(
                $"{Section}:KeyEncryptionKey must be 32 random bytes in base64 (e.g. `openssl rand -base64 32`).");
        }

        return bytes[..32];
    }

    /// <summary>Names the key without revealing it, so a ring encrypted with another key fails with a clear message.</summary>
    internal static string KeyId(byte[] key) => Convert.ToHexString(SHA256.HashData(key).AsSpan(0, 6)).ToLowerInvariant();

    internal sealed record ConfiguredKey(byte[] Bytes);

    private sealed class ConfiguredKeyXmlEncryptor(byte[] key) : IXmlEncryptor
    {
        public EncryptedXmlInfo Encrypt(XElement plaintextElement)
        {
            ArgumentNullException.ThrowIfNull(plaintextElement);
            var plain = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
            var sealedBytes = new byte[AesGcm.NonceByteSizes.MaxSize + AesGcm.TagByteSizes.MaxSize + plain.Length];
            var nonce = sealedBytes.AsSpan(0, AesGcm.NonceByteSizes.MaxSize);
            var tag = sealedBytes.AsSpan(nonce.Length, AesGcm.TagByteSizes.MaxSize);
            RandomNumberGenerator.Fill(nonce);
            using (var aes = new AesGcm(key, tag.Length))
            {
                aes.Encrypt(nonce, plain, sealedBytes.AsSpan(nonce.Length + tag.Length), tag);
            }

            CryptographicOperations.ZeroMemory(plain);
            var element = new XElement("encryptedKey",
                new XComment(" AES-256-GCM with DataProtection:KeyEncryptionKey "),
                new XAttribute("keyId", KeyId(key)),
                new XElement("value", Convert.ToBase64String(sealedBytes)));
            return new EncryptedXmlInfo(element, typeof(ConfiguredKeyXmlDecryptor));
        }
    }

    /// <summary>Created by the data-protection system (by type, through the service provider) when it reads a key.</summary>
    internal sealed class ConfiguredKeyXmlDecryptor(IServiceProvider services) : IXmlDecryptor
    {
        public XElement Decrypt(XElement encryptedElement)
        {
            ArgumentNullException.ThrowIfNull(encryptedElement);
            var storedId = (string?)encryptedElement.Attribute("keyId");
            var key = services.GetService<ConfiguredKey>()?.Bytes ?? throw new InvalidOperationException(
                $"A data-protection key is encrypted with {Section}:KeyEncryptionKey (id {storedId}), which is not configured.");
            if (storedId != KeyId(key))
            {
                throw new InvalidOperationException(
                    $"A data-protection key is encrypted with another {Section}:KeyEncryptionKey (id {storedId}; the configured one is {KeyId(key)}).");
            }

            var sealedBytes = Convert.FromBase64String((string)encryptedElement.Element("value")!);
            var nonceLength = AesGcm.NonceByteSizes.MaxSize;
            var tagLength = AesGcm.TagByteSizes.MaxSize;
            var plain = new byte[sealedBytes.Length - nonceLength - tagLength];
            using (var aes = new AesGcm(key, tagLength))
            {
                aes.Decrypt(sealedBytes.AsSpan(0, nonceLength), sealedBytes.AsSpan(nonceLength + tagLength),
                    sealedBytes.AsSpan(nonceLength, tagLength), plain);
            }

            return XElement.Parse(Encoding.UTF8.GetString(plain));
        }
    }
}
