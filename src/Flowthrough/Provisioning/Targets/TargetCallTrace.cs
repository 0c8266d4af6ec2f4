namespace Flowthrough.Provisioning.Targets;

/// <summary>
/// The last answer a target gave within one engine attempt (status and trace id), for the subscriber's timeline.
/// Flows with the attempt's async context, so concurrent attempts never see each other's calls.
/// </summary>
public sealed class TargetCallTrace
{
    private static readonly AsyncLocal<TargetCallTrace?> CurrentTrace = new();

    public static TargetCallTrace? Current => CurrentTrace.Value;

    public int? Status { get; private set; }
    public string? TraceId { get; private set; }
    public int Calls { get; private set; }

    /// <summary>Starts recording for the calls made from here on in this async flow.</summary>
    public static TargetCallTrace Begin()
    {
        var trace = new TargetCallTrace();
        CurrentTrace.Value = trace;
        return trace;
    }

    public static void Record(int? status, string? traceId)
    {
        if (CurrentTrace.Value is { } trace)
        {
            trace.Status = status;
            trace.TraceId = traceId ?? trace.TraceId;
            trace.Calls++;
        }
    }
}
