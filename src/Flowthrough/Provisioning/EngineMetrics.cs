using System.Diagnostics.Metrics;
using Flowthrough.Operations;

namespace Flowthrough.Provisioning;

/// <summary>The engine's instruments; Prometheus names them flowthrough_engine_*_total and _seconds.</summary>
public static class EngineMetrics
{
    public static readonly Counter<long> Attempts = Telemetry.Meter.CreateCounter<long>(
        "flowthrough.engine.attempts", description: "Provisioning attempts started by the engine.");

    public static readonly Counter<long> Provisioned = Telemetry.Meter.CreateCounter<long>(
        "flowthrough.engine.provisioned", description: "Subscribers the engine brought to provisioned.");

    public static readonly Counter<long> Retries = Telemetry.Meter.CreateCounter<long>(
        "flowthrough.engine.retries", description: "Transient failures scheduled for another attempt.");

    public static readonly Counter<long> Failed = Telemetry.Meter.CreateCounter<long>(
        "flowthrough.engine.failed", description: "Subscribers the engine moved to error.");

    public static readonly Histogram<double> BatchDuration = Telemetry.Meter.CreateHistogram<double>(
        "flowthrough.engine.batch.duration", unit: "s", description: "Time to process one claimed batch.");
}
