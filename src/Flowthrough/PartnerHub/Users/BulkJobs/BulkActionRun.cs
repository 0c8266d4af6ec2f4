using System.Globalization;
using Flowthrough.Subscribers;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.PartnerHub.Users.BulkJobs;

/// <summary>One row a bulk action works on: its keys and the name the report uses.</summary>
public sealed record BulkRow(Guid Id, long Seq, string UserId);

/// <summary>
/// Applies a bulk action to its rows a chunk at a time through the subscriber use cases (DESIGN §8: the rules and the
/// status writes stay in <see cref="SubscriberOperations"/>), and counts the outcomes into a <see cref="BulkReport"/>.
/// The request (small selections) and the background job (<see cref="BulkJobRunner"/>) share it, so both apply the
/// same rules and report the same way.
/// </summary>
public sealed class BulkActionRun(BulkAction action, SubscriberPackage package, BulkTargets targets, string actor,
    BulkReport report)
{
    public BulkReport Report => report;

    /// <summary>
    /// The next rows after <paramref name="afterSeq"/> in key order, up to <paramref name="maxSeq"/>: a keyset chunk,
    /// so a row that was changed or deleted never shifts the next one.
    /// </summary>
    public static Task<List<BulkRow>> NextChunkAsync(IQueryable<Subscriber> targets, long afterSeq, long maxSeq, int size,
        CancellationToken cancellationToken) =>
        targets.AsNoTracking().Where(s => s.Seq > afterSeq && s.Seq <= maxSeq).OrderBy(s => s.Seq).Take(size)
            .Select(s => new BulkRow(s.Id, s.Seq, s.UserId)).ToListAsync(cancellationToken);

    /// <summary>
    /// Before the first row: CSV lines that cannot be used, and lines naming users the action does not cover, go into
    /// the report; returns how many report lines that made.
    /// </summary>
    public static async Task<int> ReportCsvAsync(IQueryable<Subscriber> targets, RetryEmailList csv, BulkReport report,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(csv);
        ArgumentNullException.ThrowIfNull(report);
        foreach (var (line, raw) in csv.Invalid)
        {
            report.Skip(BulkReasons.CsvLine, line.ToString(CultureInfo.InvariantCulture), raw);
        }

        var named = csv.ByUserId.Keys.ToList();
        var covered = named.Count == 0
            ? []
            : (await targets.Where(s => named.Contains(s.UserId)).Select(s => s.UserId).ToListAsync(cancellationToken))
                .ToHashSet(StringComparer.Ordinal);
        var outside = named.Where(userId => !covered.Contains(userId)).ToList();
        foreach (var userId in outside)
        {
            report.Skip(BulkReasons.NotTargeted, null, userId);
        }

        return csv.Invalid.Count + outside.Count;
    }

    public async Task ApplyAsync(SubscriberOperations operations, IReadOnlyList<BulkRow> chunk,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operations);
        ArgumentNullException.ThrowIfNull(chunk);
        IReadOnlyList<BulkRowOutcome> outcomes;
        var asked = new List<BulkRow>(chunk.Count);
        switch (action)
        {
            case BulkAction.Retry:
                var emails = new Dictionary<Guid, string?>();
                foreach (var row in chunk)
                {
                    var email = targets.EmailFor(row.Id, row.UserId);
                    if (email is not null && !SubscriberValidation.IsEmail(email))
                    {
                        report.Skip(BulkReasons.InvalidEmail, null, row.UserId);
                        continue;
                    }

                    emails[row.Id] = email;
                    asked.Add(row);
                }

                outcomes = await operations.RetryActivationManyAsync(emails, actor, cancellationToken);
                break;
            case BulkAction.Package:
                asked.AddRange(chunk);
                outcomes = await operations.ChangePackageManyAsync([.. chunk.Select(r => r.Id)], package, actor,
                    cancellationToken);
                break;
            default:
                asked.AddRange(chunk);
                outcomes = await operations.RemoveManyAsync([.. chunk.Select(r => r.Id)], actor, cancellationToken);
                break;
        }

        foreach (var outcome in outcomes)
        {
            Count(outcome);
        }

        // A row deleted between the chunk's read and its change has no outcome.
        var answered = outcomes.Select(o => o.Id).ToHashSet();
        foreach (var row in asked.Where(r => !answered.Contains(r.Id)))
        {
            report.Skip(BulkReasons.Gone, null, row.UserId);
        }
    }

    private void Count(BulkRowOutcome outcome)
    {
        switch (outcome.Kind)
        {
            case OutcomeKind.Done:
                report.Succeed();
                break;
            case OutcomeKind.Unchanged:
                report.Skip(BulkReasons.SamePackage, null, outcome.UserId);
                break;
            case OutcomeKind.EmailNotTrusted:
                report.Skip(BulkReasons.Unverified, null, outcome.UserId);
                break;
            case OutcomeKind.NotAllowed:
                report.Skip(BulkReasons.Status, outcome.Status.ToWire(), outcome.UserId);
                break;
            default:
                report.AddFailure(BulkReasons.Conflict, outcome.UserId);
                break;
        }
    }
}
