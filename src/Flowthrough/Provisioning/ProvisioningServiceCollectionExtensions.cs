using Flowthrough.Data;
using Flowthrough.Security;

namespace Flowthrough.Provisioning;

public static class ProvisioningServiceCollectionExtensions
{
    public static IServiceCollection AddProvisioningEngine(this IServiceCollection services)
    {
        services.AddOptions<EngineOptions>().BindConfiguration(EngineOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddWorkSignal<ProvisioningSignal>();
        services.AddSingleton<ProvisioningEngine>();
        services.AddSingleton<AttemptPlanner>();
        services.AddSingleton<TargetProvisioner>();
        services.AddOptions<Targets.TargetOptions>().BindConfiguration(Targets.TargetOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<Targets.BuiltInDirectoryTarget>();
        services.AddSingleton<Targets.TargetGates>();
        services.AddSingleton<Targets.TargetSecrets>();
        services.AddSingleton<Targets.ProvisioningTargets>();
        services.AddSingleton<Targets.TargetRemovalWorker>();
        services.AddSingleton<Targets.Scim.ScimTokenCache>();
        services.AddSingleton<Targets.Scim.ScimConnection>();
        services.AddSingleton<Targets.Scim.ScimServerProbe>();
        services.AddHttpClient(Targets.Scim.ScimConnection.ClientName, client =>
        {
            client.Timeout = Timeout.InfiniteTimeSpan; // Each target's own timeout applies per request.
            client.DefaultRequestHeaders.UserAgent.ParseAdd("Flowthrough/1.0 (+SCIM 2.0 provisioning)");
        }).DialThroughOutboundGuard()
            .RemoveAllLoggers(); // Its Trace log state would hold the target's bearer token unredacted (see AddBroadWorks).
        services.AddScoped<ConsentMail>();
        services.AddHostedService<ProvisioningWorkers>();
        return services;
    }
}
