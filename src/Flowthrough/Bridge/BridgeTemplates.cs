using Flowthrough.Data;
using Flowthrough.Templates;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace Flowthrough.Bridge;

/// <summary>
/// The template a bridge call names, with its availability, cached for <see cref="CacheFor"/>: BroadWorks calls the
/// same provisioning URL for every user, and reading the template and its cluster was two of a call's nine round trips.
/// A change saved on this node (disable, new password, flow-through off) drops the copy at once
/// (<see cref="TemplateAvailability.Generation"/>); one saved on another node is seen within <see cref="CacheFor"/>.
/// </summary>
public static class BridgeTemplates
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(5);

    /// <summary>The cached copy is shared by concurrent calls: it is read, never changed.</summary>
    public sealed record Found(OnboardingTemplate? Template, Availability Availability, long Generation);

    public static async Task<Found> FindAsync(FlowthroughDbContext db, IMemoryCache cache, string provisioningId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(cache);
        var key = "bridge-template:" + provisioningId;
        var generation = TemplateAvailability.Generation;
        if (cache.TryGetValue(key, out Found? found) && found!.Generation == generation)
        {
            return found;
        }

        var template = await db.Templates.AsNoTracking()
            .FirstOrDefaultAsync(t => t.ProvisioningId == provisioningId, cancellationToken);
        var availability = template is null
            ? Availability.Open
            : await TemplateAvailability.OfAsync(db, template, cancellationToken);
        found = new Found(template, availability, generation);
        // An unknown provisioning ID is not kept: callers probing random IDs must not fill the cache.
        if (template is not null)
        {
            cache.Set(key, found, CacheFor);
        }

        return found;
    }
}
