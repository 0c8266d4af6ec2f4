using Flowthrough.Data;
using Flowthrough.Subscribers;
using Flowthrough.Templates;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Flowthrough.PartnerHub.Users;

/// <summary>
/// Bulk actions on the User Status view: Retry Activation, Change Package Type or Delete User, on the selected rows or
/// on every row matching the filter, through the same subscriber operations as the single-row actions. Retry follows
/// the single-row rule: an email the admin types (one per row, or CSV lines userId,email), else only an email that is
/// already verified or trusted. The GET asks for confirmation with the count; the POST works through the rows in
/// chunks and reports what succeeded and what was skipped, and why.
/// </summary>
public sealed class BulkModel(FlowthroughDbContext db, SubscriberOperations operations, TimeProvider time,
    IStringLocalizer<BulkText> text) : PageModel
{
    /// <summary>Up to this many selected rows get their own email field in the Retry dialog.</summary>
    public const int MaxEmailFields = 100;

    public const string Retry = "retry";
    public const string Package = "package";
    public const string Delete = "delete";
    private const int Chunk = 500;

    [BindProperty(SupportsGet = true)]
    public UserStatusQuery Filter { get; set; } = new();

    [BindProperty(SupportsGet = true, Name = "action")]
    public string? BulkAction { get; set; }

    [BindProperty(SupportsGet = true, Name = "package")]
    public string? PackageName { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Scope { get; set; }

    [BindProperty(SupportsGet = true)]
    public List<Guid> Ids { get; set; } = [];

    public OnboardingTemplate Template { get; private set; } = null!;

    public int Count { get; private set; }

    public string? Problem { get; private set; }

    public Report? Result { get; private set; }

    /// <summary>Retry Activation: an email typed per selected row (subscriber id → email).</summary>
    [BindProperty]
    public Dictionary<Guid, string?> Emails { get; set; } = [];

    /// <summary>Retry Activation: CSV lines userId,email.</summary>
    [BindProperty]
    public string? EmailCsv { get; set; }

    /// <summary>The selected rows shown in the Retry dialog, each with its own email field.</summary>
    public IReadOnlyList<UserStatusRow> RetryRows { get; private set; } = [];

    public sealed record Report(int Succeeded, IReadOnlyList<(string Reason, int Count, IReadOnlyList<string> Examples)> Skipped);

    public bool AllMatching => Scope == "all";

    public string ActionLabel => BulkAction switch
    {
        Retry => text["Action_Retry"],
        Package => text["Action_Package", PackageName ?? ""],
        _ => text["Action_Delete"],
    };

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        if (await LoadAsync(id) is { } missing)
        {
            return missing;
        }

        if (Problem is null)
        {
            Count = await Targets().CountAsync(HttpContext.RequestAborted);
            if (Count == 0)
            {
                Problem = text["Problem_NoRows"];
            }
            else if (BulkAction == Retry && !AllMatching && Count <= MaxEmailFields)
            {
                RetryRows = await Targets().AsNoTracking().OrderBy(s => s.UserId).Select(UserStatusQuery.ToRow)
                    .ToListAsync(HttpContext.RequestAborted);
            }
        }

        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id)
    {
        if (await LoadAsync(id) is { } missing)
        {
            return missing;
        }

        if (Problem is not null)
        {
            return Page();
        }

        var skipped = new Dictionary<string, List<string>>();
        void Skip(string reason, string userId)
        {
            if (!skipped.TryGetValue(reason, out var list))
            {
                skipped[reason] = list = [];
            }

            list.Add(userId);
        }

        var csv = RetryEmailList.Parse(EmailCsv);
        foreach (var (line, raw) in csv.Invalid)
        {
            Skip(text["Skip_CsvLine", line], raw);
        }

        var unmatchedCsv = new HashSet<string>(csv.ByUserId.Keys, StringComparer.Ordinal);
        _ = WireValues.TryParsePackage(PackageName ?? "", out var package);
        var actor = User.Actor();
        var succeeded = 0;
        long lastSeq = 0;
        while (true)
        {
            // Keyset chunks over the targets: a delete or a change never shifts the next chunk.
            var chunk = await Targets().AsNoTracking().Where(s => s.Seq > lastSeq).OrderBy(s => s.Seq).Take(Chunk)
                .Select(s => new { s.Id, s.Seq, s.UserId }).ToListAsync(HttpContext.RequestAborted);
            if (chunk.Count == 0)
            {
                break;
            }

            lastSeq = chunk[^1].Seq;
            IReadOnlyList<BulkRowOutcome> outcomes;
            switch (BulkAction)
            {
                case Retry:
                    var emails = new Dictionary<Guid, string?>();
                    foreach (var row in chunk)
                    {
                        var typed = Emails.GetValueOrDefault(row.Id)?.Trim();
                        if (string.IsNullOrEmpty(typed) && csv.ByUserId.TryGetValue(row.UserId, out var fromCsv))
                        {
                            typed = fromCsv;
                        }

                        unmatchedCsv.Remove(row.UserId);
                        if (!string.IsNullOrEmpty(typed) && !SubscriberValidation.IsEmail(typed))
                        {
                            Skip(text["Skip_InvalidEmail"], row.UserId);
                            continue;
                        }

                        emails[row.Id] = string.IsNullOrEmpty(typed) ? null : typed;
                    }

                    outcomes = await operations.RetryActivationManyAsync(emails, actor, HttpContext.RequestAborted);
                    break;
                case Package:
                    outcomes = await operations.ChangePackageManyAsync([.. chunk.Select(r => r.Id)], package, actor,
                        HttpContext.RequestAborted);
                    break;
                default:
                    outcomes = await operations.RemoveManyAsync([.. chunk.Select(r => r.Id)], actor, HttpContext.RequestAborted);
                    break;
            }

            foreach (var outcome in outcomes)
            {
                switch (outcome.Kind)
                {
                    case OutcomeKind.Done:
                        succeeded++;
                        break;
                    case OutcomeKind.Unchanged:
                        Skip(text["Skip_SamePackage"], outcome.UserId);
                        break;
                    case OutcomeKind.EmailNotTrusted:
                        Skip(text["Skip_Unverified"], outcome.UserId);
                        break;
                    case OutcomeKind.NotAllowed:
                        Skip(text["Skip_Status", outcome.Status.ToWire()], outcome.UserId);
                        break;
                    default:
                        Skip(text["Skip_Conflict"], outcome.UserId);
                        break;
                }
            }
        }

        foreach (var userId in unmatchedCsv)
        {
            Skip(text["Skip_NotTargeted"], userId);
        }

        AdminAudit.Record(db, User, $"bulk_{BulkAction}", $"template:{Template.Id}", time.GetUtcNow().UtcDateTime, new
        {
            scope = AllMatching ? "all" : "selected",
            package = BulkAction == Package ? package.ToWire() : null,
            typedEmails = BulkAction == Retry ? Emails.Count(e => !string.IsNullOrWhiteSpace(e.Value)) + csv.ByUserId.Count : 0,
            succeeded,
            skipped = skipped.Values.Sum(v => v.Count),
        });
        await db.SaveChangesAsync(HttpContext.RequestAborted);
        Result = new Report(succeeded, [.. skipped.Select(s => (s.Key, s.Value.Count, (IReadOnlyList<string>)[.. s.Value.Take(20)]))]);
        return Page();
    }

    /// <summary>The selected rows of this template, or every row the filter matches.</summary>
    private IQueryable<Subscriber> Targets()
    {
        var partnerId = User.PartnerId();
        if (AllMatching)
        {
            return Filter.Filter(db.Subscribers, partnerId, Template.Id);
        }

        var ids = Ids.Distinct().ToList();
        return db.Subscribers.Where(s => s.PartnerId == partnerId && s.TemplateId == Template.Id && ids.Contains(s.Id));
    }

    private async Task<IActionResult?> LoadAsync(Guid id)
    {
        var partnerId = User.PartnerId();
        var template = await db.Templates.AsNoTracking()
            .FirstOrDefaultAsync(t => t.Id == id && t.PartnerId == partnerId, HttpContext.RequestAborted);
        if (template is null)
        {
            return NotFound();
        }

        Template = template;
        if (BulkAction is not (Retry or Package or Delete))
        {
            Problem = text["Problem_NoAction"];
        }
        else if (BulkAction == Package && !WireValues.TryParsePackage(PackageName ?? "", out _))
        {
            Problem = text["Problem_NoPackage"];
        }
        else if (!AllMatching && Ids.Count == 0)
        {
            Problem = text["Problem_NoSelection"];
        }

        return null;
    }
}
