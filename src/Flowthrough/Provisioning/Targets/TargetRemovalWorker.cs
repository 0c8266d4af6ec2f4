using Flowthrough.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Flowthrough.Provisioning.Targets;

/// <summary>
/// Deactivates or deletes, in the target, the users whose subscribers were removed (see <see cref="TargetRemoval"/>),
/// with backoff while the target is down. A user re-linked to another subscriber meanwhile is left alone.
/// </summary>
public sealed partial class TargetRemovalWorker(
    IServiceScopeFactory scopes,
    ProvisioningTargets targets,
    IOptions<TargetOptions> options,
    IOptions<EngineOptions> engine,
    TimeProvider time,
    ILogger<TargetRemovalWorker> logger)
{
    private const int BatchSize = 20;

    /// <summary>Works through the due removals; returns how many it took.</summary>
    public async Task<int> ProcessDueAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FlowthroughDbContext>();
        var now = time.GetUtcNow().UtcDateTime;
        var due = await db.TargetRemovals.AsNoTracking()
            .Where(r => r.NextAttemptAt != null && r.NextAttemptAt <= now && (r.LeaseUntil == null || r.LeaseUntil < now))
            .OrderBy(r => r.NextAttemptAt).Take(BatchSize).ToListAsync(cancellationToken);
        var taken = 0;
        foreach (var removal in due)
        {
            // The lease is taken by one conditional update: whichever worker (or node) changes the row owns it.
            var leased = await db.TargetRemovals
                .Where(r => r.Id == removal.Id && (r.LeaseUntil == null || r.LeaseUntil < now))
                .ExecuteUpdateAsync(u => u.SetProperty(r => r.LeaseUntil, now + engine.Value.LeaseDuration), cancellationToken);
            if (leased == 1)
            {
                taken++;
                await ProcessAsync(db, removal, cancellationToken);
            }
        }

        return taken;
    }

    private async Task ProcessAsync(FlowthroughDbContext db, TargetRemoval removal, CancellationToken cancellationToken)
    {
        var resolved = await targets.ForTargetIdAsync(db, removal.TargetId, cancellationToken);
        var organization = new TargetOrganization(removal.OrganizationId, removal.SpEnterpriseId, removal.OrganizationName);
        try
        {
            var user = await resolved.Target.FindByExternalIdAsync(organization, removal.SubscriberId.ToString(), cancellationToken);
            if (user is not null && user.Id == removal.TargetUserId)
            {
                if (resolved.RemovalMode == RemovalMode.Delete)
                {
                    await resolved.Target.DeleteAsync(organization, user.Id, cancellationToken);
                }
                else
                {
                    await resolved.Target.DeactivateAsync(organization, user.Id, cancellationToken);
                }
            }

            await db.TargetRemovals.Where(r => r.Id == removal.Id).ExecuteDeleteAsync(cancellationToken);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            var attempts = removal.Attempts + 1;
            var now = time.GetUtcNow().UtcDateTime;
            var delay = TimeSpan.FromSeconds(Math.Min(3600, 10 * Math.Pow(2, attempts - 1)));
            if (exception is TargetUnavailableException { RetryAfter: { } retryAfter } && retryAfter > delay)
            {
                delay = retryAfter;
            }

            DateTime? next = attempts >= options.Value.RemovalMaxAttempts ? null : now + delay;
            LogRemovalFailed(logger, exception, removal.TargetUserId, resolved.Name, attempts);
            var message = exception.Message.Length > 2000 ? exception.Message[..2000] : exception.Message;
            await db.TargetRemovals.Where(r => r.Id == removal.Id).ExecuteUpdateAsync(u => u
                .SetProperty(r => r.Attempts, attempts)
                .SetProperty(r => r.NextAttemptAt, next)
                .SetProperty(r => r.LeaseUntil, (DateTime?)null)
                .SetProperty(r => r.LastError, message), cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Removing user {TargetUserId} from {Target} failed (attempt {Attempts})")]
    private static partial void LogRemovalFailed(ILogger logger, Exception exception, string targetUserId, string target, int attempts);
}
