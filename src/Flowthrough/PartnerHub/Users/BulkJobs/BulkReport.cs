using System.Text.Json;

namespace Flowthrough.PartnerHub.Users.BulkJobs;

/// <summary>
/// What a bulk action did: how many rows succeeded, were skipped or failed, and why, with a few example user IDs per
/// reason. Reasons are keys of the BulkText resources (with one argument), so the report reads in the viewer's
/// language; it stays bounded however many rows the job covers.
/// </summary>
public sealed class BulkReport
{
    public const int MaxExamples = 20;

    /// <summary>Distinct reasons kept; rows for further reasons are still counted.</summary>
    public const int MaxReasons = 50;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public int Succeeded { get; private set; }

    public int Skipped { get; private set; }

    public int Failed { get; private set; }

    public int Processed => Succeeded + Skipped + Failed;

    public List<Entry> Entries { get; private init; } = [];

    /// <summary>One reason: a BulkText key and its argument, counted, with examples.</summary>
    public sealed class Entry
    {
        public required string Reason { get; init; }

        public string? Argument { get; init; }

        public bool Failed { get; init; }

        public int Count { get; set; }

        public List<string> Examples { get; init; } = [];
    }

    public void Succeed() => Succeeded++;

    public void Skip(string reason, string? argument, string example) => Add(reason, argument, example, failed: false, 1);

    public void AddFailure(string reason, string example) => Add(reason, null, example, failed: true, 1);

    /// <summary>At the end: rows counted at the start that no chunk met any more (deleted, or no longer matching).</summary>
    public void SkipUnseen(int total)
    {
        if (total > Processed)
        {
            Add(BulkReasons.Gone, null, null, failed: false, total - Processed);
        }
    }

    private void Add(string reason, string? argument, string? example, bool failed, int count)
    {
        if (failed)
        {
            Failed += count;
        }
        else
        {
            Skipped += count;
        }

        var entry = Entries.Find(e => e.Reason == reason && e.Argument == argument && e.Failed == failed);
        if (entry is null)
        {
            if (Entries.Count >= MaxReasons)
            {
                return;
            }

            entry = new Entry { Reason = reason, Argument = argument, Failed = failed };
            Entries.Add(entry);
        }

        entry.Count += count;
        if (example is not null && entry.Examples.Count < MaxExamples)
        {
            entry.Examples.Add(example);
        }
    }

    public string EntriesJson() => JsonSerializer.Serialize(Entries, Json);

    /// <summary>A job's report as saved: its counts and its reasons.</summary>
    public static BulkReport Of(BulkJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return new BulkReport
        {
            Succeeded = job.Done,
            Skipped = job.Skipped,
            Failed = job.Failed,
            Entries = JsonSerializer.Deserialize<List<Entry>>(job.Report, Json) ?? [],
        };
    }
}

/// <summary>The BulkText keys a report names as reasons.</summary>
public static class BulkReasons
{
    public const string SamePackage = "Skip_SamePackage";
    public const string Unverified = "Skip_Unverified";
    public const string Status = "Skip_Status";
    public const string Conflict = "Skip_Conflict";
    public const string InvalidEmail = "Skip_InvalidEmail";
    public const string CsvLine = "Skip_CsvLine";
    public const string NotTargeted = "Skip_NotTargeted";
    public const string Gone = "Skip_Gone";
}
