using Flowthrough.Templates;

namespace Flowthrough.Clusters;

/// <summary>
/// One BroadWorks platform: the portal checks subscriber passwords against its Xsi-Actions URL, and, when OCI-P is
/// set, the sync reads its users from the Application Server (see BroadWorks/Sync).
/// </summary>
public sealed class BroadWorksCluster : ISwitchable
{
    public const int DefaultSyncMinutes = 60;

    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid PartnerId { get; set; }
    public required string Name { get; set; }
    public required string XsiActionsUrl { get; set; }
    public string? AuthServiceUrl { get; set; }
    public bool DirectAuth { get; set; }

    /// <summary>Switched off by an admin: every template on it takes no new users (see Templates/TemplateAvailability).</summary>
    public bool Disabled { get; set; }

    /// <summary>The AS (or XSP for SOAP) that answers OCI-P; null when the cluster has no OCI-P and relies on the push bridge.</summary>
    public string? OcipHost { get; set; }

    public int? OcipPort { get; set; }

    public BroadWorks.Ocip.OcipTransport OcipTransport { get; set; } = BroadWorks.Ocip.OcipTransport.Tcp;

    /// <summary>A provisioning (read-only suffices) administrator of the AS.</summary>
    public string? OcipUserId { get; set; }

    /// <summary>The administrator's password, protected with Data Protection (see ClusterSecrets); never shown again.</summary>
    public string? OcipPasswordProtected { get; set; }

    /// <summary>SHA-256 fingerprint of a server certificate trusted explicitly (a self-signed AS certificate).</summary>
    public string? OcipCertificateSha256 { get; set; }

    public int SyncIntervalMinutes { get; set; } = DefaultSyncMinutes;

    /// <summary>When the next scheduled sync is due; set after each run and by "Sync now".</summary>
    public DateTime? NextSyncAt { get; set; }

    public bool HasOcip => OcipHost is not null && OcipUserId is not null && OcipPasswordProtected is not null;
}
