using Flowthrough.Data;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.Provisioning.Targets.Reconciliation;

/// <summary>
/// Takes, renews and gives back one named <see cref="ReconciliationLease"/> row: the reconciliation runner's, and one
/// per cluster for its OCI-P sync (BroadWorks/Sync). Every write is one conditional
/// update, so of two nodes racing for it one wins on SQLite and PostgreSQL alike; the row is created on first use
/// (the primary key settles two nodes creating it at once).
/// </summary>
public sealed class RunnerLease(string owner, TimeSpan duration, TimeProvider time, string name = RunnerLease.Name)
{
    public const string Name = "reconciliation";

    public string Owner => owner;

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    public async Task<bool> TakeAsync(FlowthroughDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var now = Now;
        var taken = await db.ReconciliationLeases
            .Where(l => l.Name == name && (l.Owner == owner || l.Until == null || l.Until < now))
            .ExecuteUpdateAsync(u => u.SetProperty(l => l.Owner, owner).SetProperty(l => l.Until, now + duration),
                cancellationToken);
        if (taken == 1)
        {
            return true;
        }

        if (await db.ReconciliationLeases.AsNoTracking().AnyAsync(l => l.Name == name, cancellationToken))
        {
            return false;
        }

        db.ReconciliationLeases.Add(new ReconciliationLease { Name = name, Owner = owner, Until = now + duration });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException exception) when (exception.IsUniqueViolation())
        {
            return false;
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>Extends the lease; false when another runner holds it now (this one was too slow and must stop).</summary>
    public async Task<bool> RenewAsync(FlowthroughDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var until = Now + duration;
        return await db.ReconciliationLeases.Where(l => l.Name == name && l.Owner == owner)
            .ExecuteUpdateAsync(u => u.SetProperty(l => l.Until, until), cancellationToken) == 1;
    }

    public Task ReleaseAsync(FlowthroughDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.ReconciliationLeases.Where(l => l.Name == name && l.Owner == owner)
            .ExecuteUpdateAsync(u => u.SetProperty(l => l.Owner, (string?)null).SetProperty(l => l.Until, (DateTime?)null),
                cancellationToken);
    }
}
