using Flowthrough.Security;
using Microsoft.AspNetCore.DataProtection;

namespace Flowthrough.Clusters;

/// <summary>The OCI-P administrator password of a cluster, protected at rest.</summary>
public sealed class ClusterSecrets(IDataProtectionProvider provider)
    : ProtectedSecrets(provider, "Flowthrough.Clusters.OcipPassword.v1");
