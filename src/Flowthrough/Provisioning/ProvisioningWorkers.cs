using Flowthrough.Data;
using Microsoft.Extensions.Options;

namespace Flowthrough.Provisioning;

/// <summary>Runs the configured number of engine loops; each drains due work, then sleeps until signalled or polled.</summary>
public sealed partial class ProvisioningWorkers(
    ProvisioningEngine engine,
    Targets.TargetRemovalWorker removals,
    ProvisioningSignal signal,
    IOptions<EngineOptions> options,
    TimeProvider time,
    ILogger<ProvisioningWorkers> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, options.Value.Workers).Select(_ => RunLoopAsync(stoppingToken)));

    // The loop outlives any one failure (a database restart, say); the next poll tries again.
    private Task RunLoopAsync(CancellationToken stoppingToken) =>
        signal.RunLoopAsync(async token => await engine.ProcessBatchAsync(token) + await removals.ProcessDueAsync(token) > 0,
            options.Value.PollInterval, time,
            exception => LogLoopFailed(logger, exception), stoppingToken);

    [LoggerMessage(Level = LogLevel.Error, Message = "The provisioning loop failed; it will poll again")]
    private static partial void LogLoopFailed(ILogger logger, Exception exception);
}
