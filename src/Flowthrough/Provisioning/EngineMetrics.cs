using Prometheus;

namespace Flowthrough.Provisioning;

public static class EngineMetrics
{
    public static readonly Counter Attempts = Metrics.CreateCounter(
        "flowthrough_engine_attempts_total", "Provisioning attempts started by the engine.");

    public static readonly Counter Provisioned = Metrics.CreateCounter(
        "flowthrough_engine_provisioned_total", "Subscribers the engine brought to provisioned.");

    public static readonly Counter Retries = Metrics.CreateCounter(
        "flowthrough_engine_retries_total", "Transient failures scheduled for another attempt.");

    public static readonly Counter Failed = Metrics.CreateCounter(
        "flowthrough_engine_failed_total", "Subscribers the engine moved to error.");

    public static readonly Histogram BatchDuration = Metrics.CreateHistogram(
        "flowthrough_engine_batch_duration_seconds", "Time to process one claimed batch.",
        new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.001, 2, 16) });
}
