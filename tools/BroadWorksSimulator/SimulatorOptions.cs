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

    public string ProvisioningUrl(string provisioningId) =>
        $"{AppUrl.TrimEnd('/')}/bridge/{Uri.EscapeDataString(provisioningId)}";

    public static bool HasSeedFile(SimulatorOptions options) => File.Exists(options.SeedFile);

    public static bool HasSaneRetryDelay(SimulatorOptions options) =>
        options.BridgeRetryDelay >= TimeSpan.Zero && options.BridgeRetryDelay <= TimeSpan.FromMinutes(1);
}
