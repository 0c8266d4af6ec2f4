using Flowthrough.Data;
using Flowthrough.Provisioning;
using Microsoft.Extensions.Options;

namespace Flowthrough.PartnerHub.Users.BulkJobs;

/// <summary>Wakes the bulk job worker when an admin starts a job on this node; other nodes find it by polling.</summary>
public sealed class BulkJobSignal : WorkSignal;

/// <summary>
/// One bulk job loop per node, beside the engine's workers and under the same switch: <c>Engine:Workers = 0</c> (an
/// API-only node) runs none, and the jobs started there are run by another node.
/// </summary>
public sealed partial class BulkJobWorkers(
    BulkJobRunner runner,
    BulkJobSignal signal,
    IOptions<EngineOptions> options,
    TimeProvider time,
    ILogger<BulkJobWorkers> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        options.Value.Workers == 0
            ? Task.CompletedTask
            : signal.RunLoopAsync(token => runner.RunNextAsync(token), options.Value.PollInterval, time,
                exception => LogLoopFailed(logger, exception), stoppingToken);

    [LoggerMessage(Level = LogLevel.Error, Message = "The bulk job loop failed; it will poll again")]
    private static partial void LogLoopFailed(ILogger logger, Exception exception);
}

public static class BulkJobsServiceCollectionExtensions
{
    public static IServiceCollection AddBulkJobs(this IServiceCollection services)
    {
        services.AddWorkSignal<BulkJobSignal>();
        services.AddSingleton<BulkJobRunner>();
        services.AddHostedService<BulkJobWorkers>();
        return services;
    }
}
