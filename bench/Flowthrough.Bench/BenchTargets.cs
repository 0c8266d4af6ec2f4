using Flowthrough.Data;
using Flowthrough.Provisioning.Targets;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;

namespace Flowthrough.Bench;

/// <summary>
/// A SCIM provisioning target for the seeded template (<c>seed --scim URL --scim-token T</c>), its token protected the
/// way the app protects it: with the app's data-protection key ring, which lives in the same database.
/// </summary>
public static class BenchTargets
{
    public static ProvisioningTarget? Scim(BenchOptions options, Guid partnerId, DateTime now)
    {
        if (options.Get("scim") is not { } baseUrl)
        {
            return null;
        }

        var services = new ServiceCollection();
        services.AddLogging();
        services.AddScoped<FlowthroughDbContext>(_ => options.OpenDb());
        services.AddDataProtection().SetApplicationName("Flowthrough").PersistKeysToDbContext<FlowthroughDbContext>();
        using var provider = services.BuildServiceProvider();
        return new ProvisioningTarget
        {
            PartnerId = partnerId,
            Name = "SCIM test server",
            Kind = TargetKind.Scim,
            BaseUrl = baseUrl,
            ProtectedSecret = new TargetSecrets(provider.GetRequiredService<IDataProtectionProvider>()).Protect(options.Required("scim-token")),
            TimeoutSeconds = 5,
            Created = now,
        };
    }
}
