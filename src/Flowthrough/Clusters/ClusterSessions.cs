using System.Collections.Concurrent;
using Flowthrough.BroadWorks.Ocip;

namespace Flowthrough.Clusters;

/// <summary>
/// The OCI-P sessions of each cluster, kept logged in between uses (an AS login is two round trips and the AS limits
/// sessions). A sync rents several at once to walk groups in parallel; a portal sign-in rents one. Changed settings
/// (host, user, password, …) retire the old sessions.
/// </summary>
public sealed class ClusterSessions(ClusterSecrets secrets, ILoggerFactory loggers, TimeProvider time, Security.OutboundGuard guard)
    : IAsyncDisposable
{
    /// <summary>Idle sessions kept per cluster; more may be rented at once and are closed on return.</summary>
    public const int MaxIdlePerCluster = 8;

    private readonly ConcurrentDictionary<Guid, Pool> pools = new();

    /// <summary>The endpoint of a cluster with OCI-P; null when it has none or its password cannot be read any more.</summary>
    public OcipEndpoint? EndpointOf(BroadWorksCluster cluster, TimeSpan requestTimeout)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        if (!cluster.HasOcip || secrets.Unprotect(cluster.OcipPasswordProtected) is not { } password)
        {
            return null;
        }

        return new OcipEndpoint(cluster.OcipHost!, cluster.OcipPort ?? DefaultPort(cluster.OcipTransport), cluster.OcipTransport,
            cluster.OcipUserId!, password, cluster.OcipCertificateSha256, requestTimeout) { Guard = guard };
    }

    public static int DefaultPort(OcipTransport transport) => transport switch
    {
        OcipTransport.Tcp => 2208,
        OcipTransport.Tls => 2209,
        OcipTransport.Soap => 80,
        _ => 443,
    };

    /// <summary>A logged-in (or about to log in) session for the cluster; dispose the rental to give it back.</summary>
    public Rental Rent(Guid clusterId, OcipEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var pool = pools.AddOrUpdate(clusterId, _ => new Pool(endpoint), (_, existing) =>
        {
            if (existing.Endpoint == endpoint)
            {
                return existing;
            }

            existing.Retire();
            return new Pool(endpoint);
        });
        var session = pool.Idle.TryTake(out var idle) ? idle : new OcipSession(endpoint, loggers.CreateLogger<OcipSession>(), time);
        return new Rental(this, clusterId, pool, session);
    }

    private void Return(Guid clusterId, Pool pool, OcipSession session, bool broken)
    {
        if (broken || pool.Retired || pools.GetValueOrDefault(clusterId) != pool || pool.Idle.Count >= MaxIdlePerCluster)
        {
            _ = session.DisposeAsync().AsTask();
            return;
        }

        pool.Idle.Add(session);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var pool in pools.Values)
        {
            while (pool.Idle.TryTake(out var session))
            {
                await session.DisposeAsync();
            }
        }
    }

    internal sealed class Pool(OcipEndpoint endpoint)
    {
        public OcipEndpoint Endpoint { get; } = endpoint;

        public ConcurrentBag<OcipSession> Idle { get; } = [];

        public bool Retired { get; private set; }

        public void Retire()
        {
            Retired = true;
            while (Idle.TryTake(out var session))
            {
                _ = session.DisposeAsync().AsTask();
            }
        }
    }

    /// <summary>One rented session. Mark it <see cref="Broken"/> after a transport failure so it is not kept.</summary>
    public sealed class Rental : IDisposable
    {
        private readonly ClusterSessions owner;
        private readonly Guid clusterId;
        private readonly Pool pool;

        internal Rental(ClusterSessions owner, Guid clusterId, Pool pool, OcipSession session)
        {
            this.owner = owner;
            this.clusterId = clusterId;
            this.pool = pool;
            Session = session;
        }

        public OcipSession Session { get; }

        public bool Broken { get; set; }

        public void Dispose() => owner.Return(clusterId, pool, Session, Broken);
    }
}
