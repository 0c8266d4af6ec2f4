using System.Text.Json;
using Flowthrough.Subscribers;

namespace Flowthrough.PartnerHub.Users.BulkJobs;

/// <summary>The admin audit rows of bulk actions: started, cancelled, and finished (as the request-time action records it).</summary>
public static class BulkJobAudit
{
    public const string Started = "bulk_job_started";
    public const string Cancelled = "bulk_job_cancelled";

    /// <summary>The action name a finished bulk action is audited under: bulk_retry, bulk_package, bulk_delete.</summary>
    public static string Finished(BulkAction action) => $"bulk_{action.ToWire()}";

    public static string Target(Guid templateId) => $"template:{templateId}";

    public static string Data(BulkJob job, BulkReport report)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(report);
        return JsonSerializer.Serialize(new
        {
            job = job.Id,
            scope = BulkTargets.FromJson(job.Targets).AllMatching ? "all" : "selected",
            package = job.Package?.ToWire(),
            succeeded = report.Succeeded,
            skipped = report.Skipped,
            failed = report.Failed,
        });
    }
}

public static class BulkActionNames
{
    /// <summary>The bulk form's value of an action (retry, package, delete).</summary>
    public static string ToWire(this BulkAction action) => action.ToString().ToLowerInvariant();

    public static bool TryParse(string? wire, out BulkAction action) =>
        Enum.TryParse(wire, ignoreCase: true, out action) && Enum.IsDefined(action)
        && string.Equals(wire, action.ToWire(), StringComparison.Ordinal);
}
