using Flowthrough.Data;
using Microsoft.Extensions.Options;

namespace Flowthrough.Provisioning;

/// <summary>Runs the configured number of engine loops; each drains due work, then sleeps until signalled or polled.</summary>
public sealed partial class ProvisioningWorkers(
    ProvisioningEngine engine,
    ProvisioningSignal signal,
    IOptions<EngineOptions> options,
    TimeProvider time,
    ILogger<ProvisioningWorkers> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, options.Value.Workers).Select(_ => RunLoopAsync(stoppingToken)));

    private async Task RunLoopAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await engine.ProcessBatchAsync(stoppingToken) > 0)
                {
                    continue;
                }

                await signal.WaitAsync(options.Value.PollInterval, time, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                // The loop outlives any one failure (a database restart, say); the next poll tries again.
                LogLoopFailed(logger, exception);
                await Task.Delay(options.Value.PollInterval, time, stoppingToken).ContinueWith(_ => { },
                    TaskScheduler.Default);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The provisioning loop failed; it will poll again")]
    private static partial void LogLoopFailed(ILogger logger, Exception exception);
}
