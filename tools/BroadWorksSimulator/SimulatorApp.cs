using System.Text.Json.Serialization;
using BroadWorksSimulator.Ocip;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace BroadWorksSimulator;

/// <summary>The simulator as a buildable app, so that tests can run it in-process on a real socket.</summary>
public static class SimulatorApp
{
    public const string DefaultUrl = "http://127.0.0.1:5090";

    /// <param name="args">Command-line arguments (<c>--urls</c>, <c>--Simulator:AppUrl=…</c>, …).</param>
    /// <param name="configure">Runs after the simulator's own registrations, so a caller can replace any of them.</param>
    public static WebApplication Build(string[] args, Action<IServiceCollection>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        // The simulator has no appsettings files; in a test's output directory the product's appsettings.json sits beside
        // it and must not configure the simulator.
        foreach (var source in builder.Configuration.Sources.OfType<JsonConfigurationSource>().ToList())
        {
            builder.Configuration.Sources.Remove(source);
        }

        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        var services = builder.Services;
        services.AddOptions<SimulatorOptions>().BindConfiguration(SimulatorOptions.Section).ValidateDataAnnotations()
            .Validate(SimulatorOptions.HasSeedFile, "Simulator:SeedFile names a file that does not exist.")
            .Validate(SimulatorOptions.HasSaneRetryDelay, "Simulator:BridgeRetryDelay must be from 00:00:00 to 00:01:00.")
            .Validate(SimulatorOptions.HasGroupsForGeneratedUsers, "Simulator:GenerateUsers needs Simulator:GenerateGroups of at least 1.")
            .Validate(SimulatorOptions.HasUsableOcipAddress, "Simulator:OcipListenAddress must be an IP address.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(provider =>
        {
            var settings = provider.GetRequiredService<IOptions<SimulatorOptions>>().Value;
            return SubscriberStore.Load(settings.SeedFile, SeedGenerator.Generate(settings.GenerateUsers, settings.GenerateGroups));
        });
        services.AddSingleton<CallLog>();
        services.AddSingleton<FaultSwitches>();
        services.AddSingleton<BridgeClient>();
        services.AddSingleton<SubscriberActions>();
        services.AddTransient<BridgeFaultHandler>();
        services.AddHttpClient(BridgeClient.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(10))
            .AddHttpMessageHandler<BridgeFaultHandler>();
        services.AddSingleton<OcipEndpoints>();
        services.AddSingleton<OcipProcessor>();
        services.AddSingleton<OcipSoapSessions>();
        services.AddHostedService<OcipListener>();
        services.AddHostedService<StartupBanner>();
        services.AddAntiforgery();
        // Malformed JSON reaches the exception handler, so that the answer says what was wrong instead of a bare 400.
        services.Configure<RouteHandlerOptions>(routes => routes.ThrowOnBadRequest = true);
        services.AddProblemDetails(problems => problems.CustomizeProblemDetails = context =>
        {
            if (context.Exception is BadHttpRequestException bad)
            {
                context.ProblemDetails.Detail = bad.Message;
            }
        });
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull);
        configure?.Invoke(services);

        var app = builder.Build();
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = exception => exception is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,
            // A client's malformed request is its answer, not a server error worth a stack trace in the log.
            SuppressDiagnosticsCallback = context => context.Exception is BadHttpRequestException,
        });
        app.UseStatusCodePages();
        app.UseAntiforgery();
        app.MapXsiActions();
        app.MapSimulatorApi();
        app.MapOcip();
        app.MapPage();
        return app;
    }

    /// <summary>Loads the seed before the server takes requests and prints the lines scripts read, once the address is known.</summary>
    private sealed class StartupBanner(IServiceProvider services, IServer server) : IHostedLifecycleService
    {
        public Task StartingAsync(CancellationToken cancellationToken)
        {
            services.GetRequiredService<SubscriberStore>();
            return Task.CompletedTask;
        }

        public Task StartedAsync(CancellationToken cancellationToken)
        {
            var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? DefaultUrl;
            // A wildcard listen address is not a place a browser can go.
            var baseUrl = address.Replace("://*", "://localhost", StringComparison.Ordinal)
                .Replace("://+", "://localhost", StringComparison.Ordinal)
                .Replace("://0.0.0.0", "://localhost", StringComparison.Ordinal)
                .Replace("://[::]", "://localhost", StringComparison.Ordinal)
                .TrimEnd('/');
            var lines = new List<string> { $"Simulator: {baseUrl}/", $"Xsi-Actions: {baseUrl}{XsiActions.Root}" };
            lines.AddRange(OcipBanner(baseUrl));
            lines.AddRange(services.GetRequiredService<SubscriberStore>().All().Take(3)
                .Select(s => $"Subscriber: {s.UserId} / {s.Password}"));
            Console.WriteLine(string.Join(Environment.NewLine, lines));
            return Task.CompletedTask;
        }

        private IEnumerable<string> OcipBanner(string baseUrl)
        {
            var endpoints = services.GetRequiredService<OcipEndpoints>();
            var settings = services.GetRequiredService<IOptions<SimulatorOptions>>().Value;
            yield return $"OCI-P TCP: {endpoints.TcpAddress}";
            if (endpoints.TlsAddress is { } tls)
            {
                yield return $"OCI-P TLS: {tls} SHA-256 {endpoints.TlsFingerprint}";
            }

            yield return $"OCI-P SOAP: {baseUrl}{OcipEndpoints.SoapPath}";
            yield return $"OCI-P admin: {settings.OcipUser} / {settings.OcipPassword}";
        }

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
