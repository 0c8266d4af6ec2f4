using Flowthrough.Data;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.Templates;

/// <summary>A template or a cluster: what an admin can disable and enable again.</summary>
public interface ISwitchable
{
    Guid Id { get; }
    Guid PartnerId { get; }
    bool Disabled { get; set; }
    string Name { get; }
}

public enum Availability
{
    Open,

    /// <summary>An admin disabled the template itself.</summary>
    TemplateDisabled,

    /// <summary>An admin disabled the BroadWorks cluster the template signs users in through.</summary>
    ClusterDisabled,
}

/// <summary>
/// The one home of what "disabled" means. A disabled template, or any template of a disabled cluster, takes no new
/// users: the bridge and the REST API refuse intake with 1204, the Share Link says activation is switched off and
/// refuses sign-ins. What already started is not cut off: subscribers the engine is provisioning finish, and admins
/// keep every User Status action. Enabling it again restores everything; nothing is deleted.
/// </summary>
public static class TemplateAvailability
{
    private static long generation;

    /// <summary>
    /// Bumped whenever a template or cluster is saved in this process (see <c>FlowthroughDbContext.SaveChangesAsync</c>):
    /// a copy cached under an older generation is stale, so a template disabled here stops taking users at once.
    /// </summary>
    public static long Generation => Volatile.Read(ref generation);

    public static void Changed() => Interlocked.Increment(ref generation);

    public static async Task<Availability> OfAsync(FlowthroughDbContext db, OnboardingTemplate template,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(template);
        if (template.Disabled)
        {
            return Availability.TemplateDisabled;
        }

        var clusterDisabled = await db.Clusters.AsNoTracking().Where(c => c.Id == template.ClusterId)
            .Select(c => c.Disabled).FirstOrDefaultAsync(cancellationToken);
        return clusterDisabled ? Availability.ClusterDisabled : Availability.Open;
    }
}
