using System.ComponentModel.DataAnnotations;

namespace Flowthrough.Operations;

public sealed class AppOptions
{
    /// <summary>Base of Share Links, Provisioning Adapter URLs and email links; the first listen address by default.</summary>
    [Url]
    public string? PublicBaseUrl { get; set; }

    public string BaseUrl => (PublicBaseUrl ?? "http://127.0.0.1:5080").TrimEnd('/');

    public static void Configure(AppOptions options, IConfiguration configuration)
    {
        if (string.IsNullOrWhiteSpace(options.PublicBaseUrl))
        {
            var first = (configuration["urls"] ?? configuration["ASPNETCORE_URLS"] ?? "http://127.0.0.1:5080")
                .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[0];
            // A wildcard listen address is not a place a browser can go.
            options.PublicBaseUrl = first.Replace("://*", "://localhost", StringComparison.Ordinal)
                .Replace("://+", "://localhost", StringComparison.Ordinal)
                .Replace("://0.0.0.0", "://localhost", StringComparison.Ordinal);
        }
    }
}
