using System.Collections.Concurrent;

namespace Flowthrough.BroadWorks.Sync;

/// <summary>What one run has found so far; written by the parallel group walkers.</summary>
public sealed class SyncTally
{
    private const int MaxMessages = 20;

    private readonly ConcurrentQueue<string> messages = new();
    private int seen;
    private int entitled;
    private int created;
    private int updated;
    private int failed;
    private int groupsFailed;

    /// <summary>Users with Integrated IM&amp;P assigned and on, by BroadWorks user ID.</summary>
    public ConcurrentDictionary<string, byte> EntitledUsers { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Users whose state could not be read: never counted as missing.</summary>
    public ConcurrentDictionary<string, byte> UnknownUsers { get; } = new(StringComparer.OrdinalIgnoreCase);

    public int Seen => seen;

    public int Entitled => entitled;

    public int Created => created;

    public int Updated => updated;

    public int Failed => failed;

    public int GroupsFailed => groupsFailed;

    public void AddSeen(int count) => Interlocked.Add(ref seen, count);

    public void AddEntitled(string userId)
    {
        if (EntitledUsers.TryAdd(userId, 0))
        {
            Interlocked.Increment(ref entitled);
        }
    }

    public void AddCreated() => Interlocked.Increment(ref created);

    public void AddUpdated() => Interlocked.Increment(ref updated);

    public void AddFailedUser(string userId, string message)
    {
        UnknownUsers.TryAdd(userId, 0);
        Interlocked.Increment(ref failed);
        Note($"{userId}: {message}");
    }

    /// <summary>Intake refused what the AS holds for the user (a number too long, a name missing, …).</summary>
    public void AddFailedUser(string userId, IReadOnlyList<Api.ApiError> errors) =>
        AddFailedUser(userId, string.Join("; ", errors.Select(e => e.FieldName is null ? e.Detail : $"{e.FieldName}: {e.Detail}")));

    public void AddFailedGroup(string group, string message)
    {
        Interlocked.Increment(ref groupsFailed);
        Note($"{group}: {message}");
    }

    public void Note(string message)
    {
        if (messages.Count < MaxMessages)
        {
            messages.Enqueue(message);
        }
    }

    public string? Messages(int limit) =>
        messages.IsEmpty ? null : string.Join('\n', messages) is var text && text.Length > limit ? text[..limit] : text;
}
