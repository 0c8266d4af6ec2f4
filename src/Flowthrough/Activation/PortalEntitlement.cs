using System.Globalization;
using Flowthrough.BroadWorks.Ocip;
using Flowthrough.Clusters;
using Flowthrough.Data;
using Flowthrough.Templates;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;

namespace Flowthrough.Activation;

public enum Entitlement
{
    /// <summary>The cluster has no OCI-P: the template's own admission rules decide.</summary>
    NotChecked,

    /// <summary>Integrated IM&amp;P is assigned and on, and the user's group is mapped to this template.</summary>
    Entitled,

    NotEntitled,

    /// <summary>The AS could not be asked: the portal says so and creates nothing.</summary>
    Unavailable,
}

/// <summary>
/// The live check at portal sign-in on a cluster with OCI-P: the AS, not the portal, says who may be onboarded. It
/// asks the same questions the sync asks (<see cref="OcipSession.GetImpUsersAsync"/>, <see cref="ClusterMappings"/>),
/// so a user the portal admits is one the next sync keeps.
/// </summary>
public sealed partial class PortalEntitlement(FlowthroughDbContext db, ClusterSessions sessions, EntitlementBreakers breakers,
    IOptions<PortalOptions> options, TimeProvider time, ILogger<PortalEntitlement> logger)
{
    public async Task<Entitlement> CheckAsync(BroadWorksCluster cluster, OnboardingTemplate template, string userId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(template);
        if (!cluster.HasOcip)
        {
            return Entitlement.NotChecked;
        }

        if (sessions.EndpointOf(cluster, options.Value.EntitlementTimeout) is not { } endpoint)
        {
            return Entitlement.Unavailable;
        }

        using var rental = sessions.Rent(cluster.Id, endpoint);
        // One deadline for the whole check: a slow AS would otherwise be waited for once per round trip (login is two).
        using var deadline = new CancellationTokenSource(options.Value.EntitlementTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            var found = await breakers.For(cluster.Id).ExecuteAsync(
                async token => (await rental.Session.GetImpUsersAsync([userId], token)).Single(), linked.Token);
            if (found.Error is not null || !found.Imp.Assigned || !found.Imp.Active || found.User is not { } user)
            {
                return Entitlement.NotEntitled;
            }

            var mappings = await db.ClusterMappings.AsNoTracking().Where(m => m.ClusterId == cluster.Id).ToListAsync(cancellationToken);
            return ClusterMappings.TemplateFor(mappings, user.ServiceProviderId, user.GroupId) == template.Id
                ? Entitlement.Entitled
                : Entitlement.NotEntitled;
        }
        catch (OcipErrorException)
        {
            // The AS refused to describe the user (outside the admin's service providers): not one this cluster serves.
            return Entitlement.NotEntitled;
        }
        catch (OcipException failure)
        {
            rental.Broken = failure is OcipUnavailableException;
            LogUnavailable(logger, cluster.Name, failure.Message);
            return Entitlement.Unavailable;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            rental.Broken = true;
            LogUnavailable(logger, cluster.Name,
                string.Create(CultureInfo.InvariantCulture, $"no answer within {options.Value.EntitlementTimeout.TotalSeconds:0.#} s"));
            return Entitlement.Unavailable;
        }
        catch (BrokenCircuitException)
        {
            LogUnavailable(logger, cluster.Name, "too many recent failures; the cluster is rested for a moment");
            return Entitlement.Unavailable;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "OCI-P entitlement check on cluster {Cluster} failed: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string cluster, string reason);
}
