using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Flowthrough.Security;

/// <summary>
/// Secrets Flowthrough must send on (target tokens, OCI-P passwords), protected at rest with the app's Data Protection
/// keys. Each kind has its own purpose string, so a value protected for one kind never unprotects as another.
/// </summary>
public abstract class ProtectedSecrets(IDataProtectionProvider provider, string purpose)
{
    private readonly IDataProtector protector = provider.CreateProtector(purpose);

    public string Protect(string secret) => protector.Protect(secret);

    /// <summary>The secret, or null when none is saved or the keys that protected it are gone.</summary>
    public string? Unprotect(string? protectedSecret)
    {
        if (string.IsNullOrEmpty(protectedSecret))
        {
            return null;
        }

        try
        {
            return protector.Unprotect(protectedSecret);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }
}
