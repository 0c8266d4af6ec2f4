using Flowthrough.Data;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Flowthrough.Email;

public static class EmailServiceCollectionExtensions
{
    /// <summary>
    /// Email options (section "Email", validated on start), the sender chosen by <see cref="EmailOptions.Mode"/>,
    /// the <see cref="OutboxSignal"/> that wakes the relay, and the relay itself, also resolvable as
    /// <see cref="OutboxRelay"/> to drive it directly.
    /// </summary>
    public static IServiceCollection AddFlowthroughEmail(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<EmailOptions>().Bind(configuration.GetSection(EmailOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<EmailOptions>, EmailOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddWorkSignal<OutboxSignal>();
        services.AddSingleton<IEmailSender>(provider =>
            provider.GetRequiredService<IOptions<EmailOptions>>().Value.Mode == EmailMode.Smtp
                ? ActivatorUtilities.CreateInstance<SmtpEmailSender>(provider)
                : ActivatorUtilities.CreateInstance<PickupEmailSender>(provider));
        services.AddSingleton<OutboxRelay>();
        services.AddHostedService(provider => provider.GetRequiredService<OutboxRelay>());
        return services;
    }
}
