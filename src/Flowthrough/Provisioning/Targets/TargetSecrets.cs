using Microsoft.AspNetCore.DataProtection;

namespace Flowthrough.Provisioning.Targets;

/// <summary>Target secrets (bearer tokens, client secrets) protected at rest with the app's Data Protection keys.</summary>
public sealed class TargetSecrets(IDataProtectionProvider provider)
{
    private readonly IDataProtector protector = provider.CreateProtector("Flowthrough.ProvisioningTargets.Secret.v1");

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
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }
}
