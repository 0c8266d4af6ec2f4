using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace Flowthrough.Dev;

/// <summary>
/// The development pages under /Dev: served only when <see cref="DevOptions.Mailbox"/> is switched on, otherwise
/// every page and handler in the folder answers 404, so that they never leak codes by default.
/// </summary>
public static partial class DevSetup
{
    public static IServiceCollection AddDevTools(this IServiceCollection services)
    {
        services.AddOptions<DevOptions>().BindConfiguration(DevOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<DevOptions>, DevOptionsValidator>();
        // Post-configured: AddRazorPages replaces the convention collection, whichever feature is added first.
        services.PostConfigure<RazorPagesOptions>(o =>
            o.Conventions.AddFolderApplicationModelConvention("/Dev", model => model.Filters.Add(new MailboxSwitch())));
        services.AddHostedService<MailboxWarning>();
        return services;
    }

    /// <summary>
    /// Answers 404 to every method and handler while the mailbox is off: an authorization filter, so that it runs
    /// first (before antiforgery and binding), and a folder convention, so that a new page here is never open by accident.
    /// </summary>
    private sealed class MailboxSwitch : IAuthorizationFilter
    {
        public void OnAuthorization(AuthorizationFilterContext context)
        {
            if (!context.HttpContext.RequestServices.GetRequiredService<IOptions<DevOptions>>().Value.Mailbox)
            {
                context.Result = new NotFoundResult();
            }
        }
    }

    private sealed partial class MailboxWarning(IOptions<DevOptions> options, ILogger<MailboxWarning> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            if (options.Value.Mailbox)
            {
                LogMailboxOn();
            }

            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        [LoggerMessage(LogLevel.Warning, "The development mailbox is switched on (Dev:Mailbox=true): anyone who can "
            + "reach /dev/mailbox can read every verification code. Never switch it on in production.")]
        private partial void LogMailboxOn();
    }
}
