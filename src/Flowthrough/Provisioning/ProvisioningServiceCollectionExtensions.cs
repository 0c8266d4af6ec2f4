using Flowthrough.Data;

namespace Flowthrough.Provisioning;

public static class ProvisioningServiceCollectionExtensions
{
    public static IServiceCollection AddProvisioningEngine(this IServiceCollection services)
    {
        services.AddOptions<EngineOptions>().BindConfiguration(EngineOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ProvisioningSignal>();
        services.AddSingleton<ProvisioningEngine>();
        services.AddScoped<ConsentMail>();
        services.AddHostedService<ProvisioningWorkers>();
        return services;
    }
}
