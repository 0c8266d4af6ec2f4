using System.Diagnostics.Metrics;
using Flowthrough.Operations;

namespace Flowthrough.Email;

/// <summary>The relay's instruments; Prometheus names them flowthrough_outbox_*_total.</summary>
internal static class OutboxMetrics
{
    public static readonly Counter<long> Sent = Telemetry.Meter.CreateCounter<long>(
        "flowthrough.outbox.sent", description: "Outbox messages handed to the mail server or pickup directory.");

    public static readonly Counter<long> Failures = Telemetry.Meter.CreateCounter<long>(
        "flowthrough.outbox.failures", description: "Failed delivery attempts of outbox messages, including the last one.");

    public static readonly Counter<long> Abandoned = Telemetry.Meter.CreateCounter<long>(
        "flowthrough.outbox.abandoned", description: "Outbox messages given up after their last attempt.");
}
