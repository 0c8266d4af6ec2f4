using System.ComponentModel.DataAnnotations;

namespace BroadWorksSimulator;

internal sealed class SimulatorOptions
{
    public const string Section = "Simulator";

    [Required]
    public string SeedFile { get; set; } = Path.Combine(AppContext.BaseDirectory, "seed.json");

    /// <summary>Base URL of the Flowthrough app; a group's provisioning URL is <c>{AppUrl}/bridge/{provisioningId}</c>.</summary>
    [Required, Url]
    public string AppUrl { get; set; } = "http://127.0.0.1:5080";

    [Required]
    public string ProvisioningAccount { get; set; } = "bwprov";

    [Required]
    public string ProvisioningPassword { get; set; } = "Demo-Prov-2026!";

    [Range(0, 10)]
    public int BridgeRetries { get; set; } = 3;

    public TimeSpan BridgeRetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>OCI-P over plain TCP; 0 picks a free port (tests read it from <c>OcipEndpoints</c>).</summary>
    [Range(0, 65535)]
    public int OcipPort { get; set; } = 2208;

    /// <summary>OCI-P over TLS; 0 picks a free port, -1 switches TLS off.</summary>
    [Range(-1, 65535)]
    public int OcipTlsPort { get; set; } = 2209;

    /// <summary>The address both OCI-P listeners bind to; loopback like the web side.</summary>
    [Required]
    public string OcipListenAddress { get; set; } = "127.0.0.1";

    /// <summary>A PFX file for the TLS listener; without it a self-signed certificate is made at start.</summary>
    public string? OcipCertificate { get; set; }

    public string? OcipCertificatePassword { get; set; }

    [Required]
    public string OcipUser { get; set; } = "ocip-admin";

    [Required]
    public string OcipPassword { get; set; } = "Demo-Ocip-2026!";

    /// <summary>Generated subscribers added to the seed, for large test sets (see the README).</summary>
    [Range(0, 200_000)]
    public int GenerateUsers { get; set; }

    [Range(0, 10_000)]
    public int GenerateGroups { get; set; }

    public string ProvisioningUrl(string provisioningId) =>
        $"{AppUrl.TrimEnd('/')}/bridge/{Uri.EscapeDataString(provisioningId)}";

    public static bool HasSeedFile(SimulatorOptions options) => File.Exists(options.SeedFile);

    public static bool HasGroupsForGeneratedUsers(SimulatorOptions options) =>
        options.GenerateUsers == 0 || options.GenerateGroups > 0;

    public static bool HasUsableOcipAddress(SimulatorOptions options) =>
        System.Net.IPAddress.TryParse(options.OcipListenAddress, out _);

    public static bool HasSaneRetryDelay(SimulatorOptions options) =>
        options.BridgeRetryDelay >= TimeSpan.Zero && options.BridgeRetryDelay <= TimeSpan.FromMinutes(1);
}
