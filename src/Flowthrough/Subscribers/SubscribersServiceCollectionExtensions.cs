namespace Flowthrough.Subscribers;

public static class SubscribersServiceCollectionExtensions
{
    /// <summary>The subscriber use cases every entry point calls (DESIGN §8: one home for subscriber use cases).</summary>
    public static IServiceCollection AddSubscribers(this IServiceCollection services)
    {
        services.AddScoped<SubscriberOperations>();
        services.AddScoped<EmailVerificationService>();
        services.AddScoped<ProvisioningChecks>();
        services.AddSingleton<IntakeWriter>();
        services.AddHostedService(provider => provider.GetRequiredService<IntakeWriter>());
        return services;
    }
}
