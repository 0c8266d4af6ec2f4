namespace Flowthrough.Seeding;

/// <summary>The embedded demo: well-known credentials for a local trial, never for production.</summary>
public sealed class SeedOptions
{
    public const string Section = "Seed";

    public bool Demo { get; set; }
    public string PartnerName { get; set; } = "Demo Partner";
    public string AdminEmail { get; set; } = "admin@demo.flowthrough.local";
    public string AdminPassword { get; set; } = "Demo-Admin-2026!";
    public string ApiToken { get; set; } = "ft_demo_token_change_me_0000000000000000";
    public string ProvisioningAccount { get; set; } = "bwprov";
    public string ProvisioningPassword { get; set; } = "Demo-Prov-2026!";
    public string ClusterXsiActionsUrl { get; set; } = "http://127.0.0.1:5090/com.broadsoft.xsi-actions";

    /// <summary>The SCIM server the demo templates provision into (<c>./run.sh --scim</c>); unset = the built-in directory.</summary>
    public string? ScimUrl { get; set; }

    public string ScimToken { get; set; } = "scim-demo-token";

    /// <summary>The simulator's OCI-P TCP port the demo cluster syncs from (<c>./run.sh</c>); unset = no OCI-P.</summary>
    public int? ClusterOcipPort { get; set; }

    public string OcipUser { get; set; } = "ocip-admin";

    public string OcipPassword { get; set; } = "Demo-Ocip-2026!";

    /// <summary>The demo's sync interval; Sync now on the cluster page runs one at once.</summary>
    public int OcipSyncMinutes { get; set; } = 5;
}
