using Flowthrough.Data;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.PartnerHub.Targets;

/// <summary>What still depends on a target: the templates that provision into it, and removals not yet carried out there.</summary>
public static class TargetUse
{
    public static async Task<IReadOnlyList<string>> TemplatesAsync(FlowthroughDbContext db, Guid partnerId, Guid targetId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        return await db.Templates.AsNoTracking().Where(t => t.PartnerId == partnerId && t.TargetId == targetId)
            .OrderBy(t => t.Name).Select(t => t.Name).ToListAsync(cancellationToken);
    }

    /// <summary>Delete User calls still to be made to the target (given-up ones have no next attempt).</summary>
    public static Task<int> PendingRemovalsAsync(FlowthroughDbContext db, Guid partnerId, Guid targetId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.TargetRemovals.AsNoTracking()
            .CountAsync(r => r.PartnerId == partnerId && r.TargetId == targetId && r.NextAttemptAt != null, cancellationToken);
    }
}
