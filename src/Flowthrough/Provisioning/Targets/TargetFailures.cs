namespace Flowthrough.Provisioning.Targets;

/// <summary>A failure the target answered, with what the timeline shows of it.</summary>
public abstract class TargetException(string message, int? status, string? traceId, Exception? inner = null)
    : Exception(message, inner)
{
    public int? Status { get; } = status;
    public string? TraceId { get; } = traceId;
}

/// <summary>
/// The target did not answer usefully right now: 5xx, 429, a timeout or a broken connection. Retried with backoff,
/// never sooner than <see cref="RetryAfter"/> when the target said when.
/// </summary>
public sealed class TargetUnavailableException(string message, int? status = null, string? traceId = null,
    TimeSpan? retryAfter = null, Exception? inner = null) : TargetException(message, status, traceId, inner)
{
    public TimeSpan? RetryAfter { get; } = retryAfter;

    /// <summary>No call was made: this node's circuit breaker for the target is open.</summary>
    public bool BreakerOpen { get; init; }
}

/// <summary>409 <c>uniqueness</c>: a user with that user name exists already.</summary>
public sealed class TargetConflictException(string message, int? status = 409, string? traceId = null)
    : TargetException(message, status, traceId);

/// <summary>
/// 400 <c>invalidValue</c> / <c>invalidSyntax</c> and other refusals of what we sent: an administrator must change
/// the data or the mapping. <see cref="Detail"/> is the target's own words.
/// </summary>
public sealed class TargetRejectedException(string message, string detail, string? scimType, int? status, string? traceId)
    : TargetException(message, status, traceId)
{
    public string Detail { get; } = detail;
    public string? ScimType { get; } = scimType;
}

/// <summary>401/403: the target refuses Flowthrough's credentials. Retried (a token may be renewed), then an admin error.</summary>
public sealed class TargetUnauthorizedException(string message, int? status, string? traceId)
    : TargetException(message, status, traceId);
