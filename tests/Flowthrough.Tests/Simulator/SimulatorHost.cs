using BroadWorksSimulator;
using BroadWorksSimulator.Ocip;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Flowthrough.Tests.Simulator;

/// <summary>The simulator in-process on a real Kestrel socket, with short retry delays so that retry tests stay quick.</summary>
public sealed class SimulatorHost : IAsyncDisposable
{
    private readonly WebApplication app;

    private SimulatorHost(WebApplication app, Uri baseAddress)
    {
        this.app = app;
        Client = new HttpClient { BaseAddress = baseAddress };
    }

    public HttpClient Client { get; }

    public IServiceProvider Services => app.Services;

    /// <param name="appUrl">Where flow-through calls go: a test's <see cref="BridgeReceiver"/>, or nowhere.</param>
    public static async Task<SimulatorHost> StartAsync(string appUrl = "http://127.0.0.1:9", params string[] settings)
    {
        string[] args =
        [
            "--urls", "http://127.0.0.1:0",
            $"--Simulator:AppUrl={appUrl}",
            "--Simulator:BridgeRetryDelay=00:00:00.010",
            "--Logging:LogLevel:Default=Warning",
            // Tests run side by side: OCI-P gets a free port, and TLS (a key pair per start) only where a test asks for it.
            "--Simulator:OcipPort=0",
            "--Simulator:OcipTlsPort=-1",
            .. settings,
        ];
        var app = SimulatorApp.Build(args);
        try
        {
            await app.StartAsync(TestContext.Current.CancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return new SimulatorHost(app, new Uri(app.Urls.First()));
    }

    internal SubscriberStore Store => Services.GetRequiredService<SubscriberStore>();

    internal OcipEndpoints Ocip => Services.GetRequiredService<OcipEndpoints>();

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
