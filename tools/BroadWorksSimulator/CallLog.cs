namespace BroadWorksSimulator;

/// <summary>One wire exchange. Passwords never get here: an Authorization header is kept only as its scheme.</summary>
internal sealed record CallRecord(
    long Id,
    DateTimeOffset Time,
    string Direction,
    string Method,
    string Url,
    string? Authorization,
    string? RequestBody,
    int? Status,
    string? Error,
    string? ResponseBody,
    int Attempt,
    long DurationMs);

internal sealed class CallLog(TimeProvider time)
{
    public const int Capacity = 500;
    public const int MaxBodyChars = 2000;
    public const string Bridge = "bridge";
    public const string Xsi = "xsi";

    private readonly Lock gate = new();
    private readonly Queue<CallRecord> calls = new(Capacity);
    private long nextId;

    public void Record(string direction, string method, string url, string? authorization, string? requestBody,
        int? status, string? error, string? responseBody, int attempt, long durationMs)
    {
        lock (gate)
        {
            if (calls.Count == Capacity)
            {
                calls.Dequeue();
            }

            calls.Enqueue(new CallRecord(++nextId, time.GetUtcNow(), direction, method, url, MaskAuthorization(authorization),
                requestBody, status, error, Truncate(responseBody), attempt, durationMs));
        }
    }

    /// <summary>Newest first.</summary>
    public IReadOnlyList<CallRecord> Snapshot()
    {
        lock (gate)
        {
            return [.. calls.Reverse()];
        }
    }

    public void Clear()
    {
        lock (gate)
        {
            calls.Clear();
        }
    }

    private static string? MaskAuthorization(string? header)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return null;
        }

        var space = header.IndexOf(' ', StringComparison.Ordinal);
        return (space > 0 ? header[..space] : "(malformed)") + " ***";
    }

    private static string? Truncate(string? body) =>
        body is { Length: > MaxBodyChars } ? string.Concat(body.AsSpan(0, MaxBodyChars), "… (truncated)") : body;
}
