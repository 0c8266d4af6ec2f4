using System.Diagnostics;
using System.Diagnostics.Metrics;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Flowthrough.Operations;

/// <summary>
/// OpenTelemetry: metrics for Prometheus at <c>/metrics</c> (always), traces when an exporter is configured
/// (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, or <c>Telemetry:Tracing=true</c> for a test's in-memory exporter). The
/// app's own instruments and spans all come from here, so one name selects them.
/// A subscriber's trace outlives the request that started it: the request's trace context is stored with the
/// subscriber and with each email, and the engine's attempt and the relay's send continue that trace
/// (<see cref="StartContinuing"/>), so one trace shows intake, the target call and the email.
/// </summary>
public static class Telemetry
{
    public const string Name = "Flowthrough";

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);

    /// <summary>The current trace context in W3C form (traceparent), to store with work done later.</summary>
    public static string? CurrentTraceParent => Activity.Current?.Id is { Length: <= 55 } id
        && Activity.Current.IdFormat == ActivityIdFormat.W3C ? id : null;

    /// <summary>
    /// Starts a span that continues <paramref name="traceParent"/> (stored by <see cref="CurrentTraceParent"/>). When
    /// nothing listens, a plain activity still carries the trace id, which goes to the target as traceparent and
    /// into the logs.
    /// </summary>
    public static Activity StartContinuing(string name, string? traceParent)
    {
        var parent = traceParent is not null && ActivityContext.TryParse(traceParent, null, out var context) ? context : default;
        if (Source.StartActivity(name, ActivityKind.Internal, parent) is { } activity)
        {
            return activity;
        }

        var plain = new Activity(name);
        if (parent != default)
        {
            plain.SetParentId(parent.TraceId, parent.SpanId, parent.TraceFlags);
        }

        return plain.Start();
    }

    /// <summary>
    /// A span for work on many subscribers at once: a batch of one continues that subscriber's trace; a larger batch
    /// starts its own and links each subscriber's trace (the OpenTelemetry way to show fan-in).
    /// </summary>
    public static Activity StartBatch(string name, IReadOnlyList<string?> traceParents)
    {
        ArgumentNullException.ThrowIfNull(traceParents);
        if (traceParents.Count == 1)
        {
            return StartContinuing(name, traceParents[0]);
        }

        var links = traceParents.Select(p => p is not null && ActivityContext.TryParse(p, null, out var c) ? c : default)
            .Where(c => c != default).Distinct().Select(c => new ActivityLink(c)).ToList();
        return Source.StartActivity(name, ActivityKind.Internal, parentContext: default, links: links)
            ?? new Activity(name).Start();
    }

    public static IServiceCollection AddFlowthroughTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var otlp = !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var builder = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("flowthrough"))
            .WithMetrics(metrics => metrics
                .AddMeter(Name)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddPrometheusExporter());
        if (otlp || configuration.GetValue<bool>("Telemetry:Tracing"))
        {
            builder.WithTracing(tracing => tracing
                .AddSource(Name)
                .AddAspNetCoreInstrumentation(o => o.Filter = context =>
                    !context.Request.Path.StartsWithSegments("/metrics") && !context.Request.Path.StartsWithSegments("/healthz"))
                .AddHttpClientInstrumentation()
                .AddNpgsql());
        }

        if (otlp)
        {
            builder.UseOtlpExporter();
        }

        return services;
    }
}
