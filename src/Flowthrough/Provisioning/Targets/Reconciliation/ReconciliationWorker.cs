using Flowthrough.Data;
using Microsoft.Extensions.Options;

namespace Flowthrough.Provisioning.Targets.Reconciliation;

/// <summary>
/// The scheduled job: every node runs this loop beside the engine's workers (and under the same switch,
/// <c>Engine:Workers = 0</c> runs none), but only the node holding the lease reconciles; the others find it taken.
/// </summary>
public sealed partial class ReconciliationWorker(
    ReconciliationRunner runner,
    ReconciliationSignal signal,
    IOptions<EngineOptions> options,
    TimeProvider time,
    ILogger<ReconciliationWorker> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        options.Value.Workers == 0
            ? Task.CompletedTask
            : signal.RunLoopAsync(runner.RunNextAsync, options.Value.PollInterval, time,
                exception => LogLoopFailed(logger, exception), stoppingToken);

    [LoggerMessage(Level = LogLevel.Error, Message = "The reconciliation loop failed; it will poll again")]
    private static partial void LogLoopFailed(ILogger logger, Exception exception);
}

public static class ReconciliationServiceCollectionExtensions
{
    public static IServiceCollection AddReconciliation(this IServiceCollection services)
    {
        services.AddWorkSignal<ReconciliationSignal>();
        services.AddSingleton<ReconciliationRunner>();
        services.AddScoped<ReconciliationRepairs>();
        services.AddHostedService<ReconciliationWorker>();
        return services;
    }
}
