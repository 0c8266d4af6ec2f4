using System.Collections.Concurrent;

namespace BroadWorksSimulator.Ocip;

/// <summary>SOAP has no connection to hang a login on, so a session is found by the document's sessionId.</summary>
internal sealed class OcipSoapSessions(TimeProvider time)
{
    /// <summary>Enough for any test or demo; past it the least recently used sessions are forgotten.</summary>
    public const int MaxSessions = 10_000;

    private readonly ConcurrentDictionary<string, OcipSession> sessions = new(StringComparer.Ordinal);

    /// <summary>A session-less document (no sessionId) gets a fresh session that nobody can log in to twice.</summary>
    public OcipSession For(string? sessionId)
    {
        if (string.IsNullOrEmpty(sessionId))
        {
            return new OcipSession();
        }

        var session = sessions.GetOrAdd(sessionId, _ => new OcipSession { LastUsed = time.GetUtcNow() });
        if (sessions.Count > MaxSessions)
        {
            foreach (var stale in sessions.OrderBy(pair => pair.Value.LastUsed).Take(sessions.Count - MaxSessions).ToList())
            {
                sessions.TryRemove(stale);
            }
        }

        return session;
    }
}
