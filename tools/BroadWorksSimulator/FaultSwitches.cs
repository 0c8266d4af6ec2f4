namespace BroadWorksSimulator;

internal sealed record Faults(
    int XsiLatencyMs,
    bool XsiFail503,
    bool XsiDropConnection,
    int BridgeLatencyMs,
    int BridgeFail503Next,
    int BridgeDropNext,
    bool OcipRejectLogin,
    int OcipLatencyMs,
    bool OcipDropConnection,
    string? OcipErrorGroup,
    int BridgeLoseAnswerNext = 0);

/// <summary>A partial update: a field left out keeps its value.</summary>
internal sealed record FaultsChange(
    int? XsiLatencyMs,
    bool? XsiFail503,
    bool? XsiDropConnection,
    int? BridgeLatencyMs,
    int? BridgeFail503Next,
    int? BridgeDropNext,
    bool? OcipRejectLogin = null,
    int? OcipLatencyMs = null,
    bool? OcipDropConnection = null,
    string? OcipErrorGroup = null,
    int? BridgeLoseAnswerNext = null);

internal sealed class FaultSwitches
{
    public const int MaxLatencyMs = 60_000;

    private readonly Lock gate = new();
    private Faults current = new(0, false, false, 0, 0, 0, false, 0, false, null);

    public Faults Current
    {
        get
        {
            lock (gate)
            {
                return current;
            }
        }
    }

    /// <summary>What is wrong with a change, or null; <paramref name="groupExists"/> checks an <c>OcipErrorGroup</c>.</summary>
    public static string? Validate(FaultsChange change, Func<string, bool> groupExists)
    {
        ArgumentNullException.ThrowIfNull(change);
        ArgumentNullException.ThrowIfNull(groupExists);
        if (change.XsiLatencyMs is < 0 or > MaxLatencyMs || change.BridgeLatencyMs is < 0 or > MaxLatencyMs
            || change.OcipLatencyMs is < 0 or > MaxLatencyMs)
        {
            return $"Latencies must be from 0 to {MaxLatencyMs} ms.";
        }

        if (change.OcipErrorGroup is { Length: > 0 } group && !groupExists(group))
        {
            return $"OcipErrorGroup names no group: {group} (an empty string switches the fault off).";
        }

        return change.BridgeFail503Next < 0 || change.BridgeDropNext < 0 || change.BridgeLoseAnswerNext < 0
            ? "BridgeFail503Next, BridgeDropNext and BridgeLoseAnswerNext cannot be negative."
            : null;
    }

    public Faults Apply(FaultsChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        lock (gate)
        {
            current = new Faults(
                change.XsiLatencyMs ?? current.XsiLatencyMs,
                change.XsiFail503 ?? current.XsiFail503,
                change.XsiDropConnection ?? current.XsiDropConnection,
                change.BridgeLatencyMs ?? current.BridgeLatencyMs,
                change.BridgeFail503Next ?? current.BridgeFail503Next,
                change.BridgeDropNext ?? current.BridgeDropNext,
                change.OcipRejectLogin ?? current.OcipRejectLogin,
                change.OcipLatencyMs ?? current.OcipLatencyMs,
                change.OcipDropConnection ?? current.OcipDropConnection,
                // An empty group switches the fault off; null keeps it.
                change.OcipErrorGroup is null ? current.OcipErrorGroup : change.OcipErrorGroup.Length == 0 ? null : change.OcipErrorGroup,
                change.BridgeLoseAnswerNext ?? current.BridgeLoseAnswerNext);
            return current;
        }
    }

    /// <summary>Consumes one of the pending outgoing 503s, if any.</summary>
    public bool TakeBridgeFail503() =>
        Take(f => f.BridgeFail503Next, f => f with { BridgeFail503Next = f.BridgeFail503Next - 1 });

    public bool TakeBridgeDrop() =>
        Take(f => f.BridgeDropNext, f => f with { BridgeDropNext = f.BridgeDropNext - 1 });

    public bool TakeBridgeLoseAnswer() =>
        Take(f => f.BridgeLoseAnswerNext, f => f with { BridgeLoseAnswerNext = f.BridgeLoseAnswerNext - 1 });

    /// <summary>Counts one pending fault down under the lock, so that two calls never both take the last one.</summary>
    private bool Take(Func<Faults, int> pending, Func<Faults, Faults> takeOne)
    {
        lock (gate)
        {
            if (pending(current) == 0)
            {
                return false;
            }

            current = takeOne(current);
            return true;
        }
    }
}
