using Flowthrough.Clusters;
using Flowthrough.Data;
using Flowthrough.Partners;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.Seeding;

/// <summary>
/// <c>./run.sh</c>: the demo cluster reads the simulator's AS over OCI-P, with the simulator's groups mapped to the
/// templates their bridge calls go to, so switching Integrated IM&amp;P on in the simulator is also found by the sync.
/// </summary>
public static class DemoOcip
{
    /// <summary>Service provider, group (null: all its groups), and the demo template's provisioning ID.</summary>
    private static readonly (string ServiceProvider, string? Group, string ProvisioningId)[] Mappings =
    [
        ("sp-warszawa", "warszawa-mokotow", "demo-untrusted"),
        ("sp-warszawa", "warszawa-wola", "demo-trusted"),
        ("ent-london", null, "demo-untrusted"),
    ];

    public static async Task PointDemoClusterAsync(FlowthroughDbContext db, Partner partner, SeedOptions options,
        ClusterSecrets secrets, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(partner);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(secrets);
        var cluster = await db.Clusters.FirstAsync(c => c.PartnerId == partner.Id, cancellationToken);
        cluster.OcipHost = "127.0.0.1";
        cluster.OcipPort = options.ClusterOcipPort;
        cluster.OcipTransport = BroadWorks.Ocip.OcipTransport.Tcp;
        cluster.OcipUserId = options.OcipUser;
        cluster.OcipPasswordProtected = secrets.Protect(options.OcipPassword);
        cluster.SyncIntervalMinutes = options.OcipSyncMinutes;
        cluster.NextSyncAt = null;
        var templates = await db.Templates.Where(t => t.PartnerId == partner.Id)
            .ToDictionaryAsync(t => t.ProvisioningId, t => t.Id, cancellationToken);
        foreach (var (serviceProvider, group, provisioningId) in Mappings)
        {
            if (!templates.TryGetValue(provisioningId, out var templateId)
                || await db.ClusterMappings.AnyAsync(m => m.ClusterId == cluster.Id && m.ServiceProviderId == serviceProvider
                    && m.GroupId == group, cancellationToken))
            {
                continue;
            }

            db.ClusterMappings.Add(new ClusterMapping
            {
                ClusterId = cluster.Id, ServiceProviderId = serviceProvider, GroupId = group, TemplateId = templateId,
            });
        }

        await db.SaveChangesAsync(cancellationToken);
    }
}
