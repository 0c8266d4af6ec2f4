using System.Globalization;
using Flowthrough.BroadWorks.Sync;
using Flowthrough.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Flowthrough.PartnerHub.Clusters;

/// <summary>How Partner Hub reads and words a cluster's sync reports (the cluster page's box and the runs page).</summary>
public static class SyncRuns
{
    public const int PageSize = 50;

    /// <summary>The newest runs first; the caller has checked that the cluster is the partner's.</summary>
    public static async Task<IReadOnlyList<SyncRun>> RecentAsync(FlowthroughDbContext db, Guid clusterId, int count, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        return await db.SyncRuns.AsNoTracking().Where(r => r.ClusterId == clusterId)
            .OrderByDescending(r => r.Started).Take(count).ToListAsync(cancellationToken);
    }

    public static string Time(DateTime? utc) => utc?.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) ?? "–";

    public static string Duration(SyncRun run, IStringLocalizer<ClusterSyncText> text)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(text);
        return run.Duration is not { } duration ? "–"
            : duration.TotalMinutes >= 1 ? text["Duration_Minutes", (int)duration.TotalMinutes, duration.Seconds]
            : text["Duration_Seconds", Math.Round(duration.TotalSeconds, 1).ToString(CultureInfo.CurrentCulture)];
    }

    public static string Outcome(SyncOutcome outcome, IStringLocalizer<ClusterSyncText> text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text[$"Outcome_{outcome}"];
    }

    /// <summary>The CSS class of an outcome, as the User Status page colours its states.</summary>
    public static string OutcomeClass(SyncOutcome outcome) => outcome switch
    {
        SyncOutcome.Complete => "status-provisioned",
        SyncOutcome.Running => "status-progress",
        SyncOutcome.Incomplete => "status-pending",
        _ => "status-error",
    };
}
