using Prometheus;

namespace Flowthrough.Email;

internal static class OutboxMetrics
{
    public static readonly Counter Sent = Metrics.CreateCounter(
        "flowthrough_outbox_sent_total", "Outbox messages handed to the mail server or pickup directory.");

    public static readonly Counter Failures = Metrics.CreateCounter(
        "flowthrough_outbox_failures_total", "Failed delivery attempts of outbox messages, including the last one.");

    public static readonly Counter Abandoned = Metrics.CreateCounter(
        "flowthrough_outbox_abandoned_total", "Outbox messages given up after their last attempt.");
}
