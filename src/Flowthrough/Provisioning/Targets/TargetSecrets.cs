using Flowthrough.Security;
using Microsoft.AspNetCore.DataProtection;

namespace Flowthrough.Provisioning.Targets;

/// <summary>Target secrets (bearer tokens, client secrets) protected at rest.</summary>
public sealed class TargetSecrets(IDataProtectionProvider provider)
    : ProtectedSecrets(provider, "Flowthrough.ProvisioningTargets.Secret.v1");
