using System.Data.Common;
using Flowthrough.Subscribers;

namespace Flowthrough.Provisioning;

/// <summary>Thrown by a provisioning target whose identity service did not answer (timeout, refused, 5xx).</summary>
public sealed class IdentityServiceUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>What an exception during an engine attempt tells the subscriber and the admin.</summary>
public static class ProvisioningFailure
{
    /// <summary>
    /// Only an unreachable identity service is reported as one (7001). Everything else is a bug or an unexpected
    /// state of ours: an internal error (7000), never dressed up as an outage of someone else's service.
    /// </summary>
    public static ErrorDefinition Classify(Exception exception) => exception switch
    {
        IdentityServiceUnavailableException or HttpRequestException or TimeoutException
            or Targets.TargetUnavailableException => ErrorCatalog.IdentityUnavailable,
        Targets.TargetUnauthorizedException => ErrorCatalog.TargetUnauthorized,
        // The built-in directory is the database: a transient database failure is its identity service not answering.
        DbException { IsTransient: true } => ErrorCatalog.IdentityUnavailable,
        _ when exception.InnerException is { } inner && inner != exception => Classify(inner),
        _ => ErrorCatalog.InternalError,
    };
}
