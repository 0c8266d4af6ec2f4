using Flowthrough.Data;
using Flowthrough.PartnerHub.Users.BulkJobs;
using Flowthrough.Subscribers;
using Flowthrough.Templates;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Flowthrough.PartnerHub.Users;

/// <summary>
/// Bulk actions on the User Status view: Retry Activation, Change Package Type or Delete User, on the selected rows or
/// on every row matching the filter, through the same subscriber operations as the single-row actions. Retry follows
/// the single-row rule: an email the admin types (one per row, or CSV lines userId,email), else only an email that is
/// already verified or trusted. The GET asks for confirmation with the count. The POST works through a small selection
/// at once and reports what succeeded and what was skipped, and why; every row matching the filter, or a large
/// selection, becomes a background job (<see cref="BulkJob"/>) whose page shows its progress and the same report.
/// </summary>
public sealed class BulkModel(FlowthroughDbContext db, SubscriberOperations operations, TimeProvider time,
    BulkJobSignal jobSignal, IStringLocalizer<BulkText> text) : PageModel
{
    /// <summary>Up to this many selected rows get their own email field in the Retry dialog.</summary>
    public const int MaxEmailFields = 100;

    public const string Retry = "retry";
    public const string Package = "package";
    public const string Delete = "delete";
    private const int Chunk = 500;

    [BindProperty(SupportsGet = true)]
    public UserStatusQuery Filter { get; set; } = new();

    /// <summary>
    /// The job this confirmation starts, chosen when the page is shown: a second submit of the same form (a double
    /// click, a retried request) finds that job instead of starting the action again.
    /// </summary>
    [BindProperty]
    public Guid JobId { get; set; }

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

    public BulkReport? Result { get; private set; }

    /// <summary>Retry Activation: an email typed per selected row (subscriber id → email).</summary>
    [BindProperty]
    public Dictionary<Guid, string?> Emails { get; set; } = [];

    /// <summary>Retry Activation: CSV lines userId,email.</summary>
    [BindProperty]
    public string? EmailCsv { get; set; }

    /// <summary>The selected rows shown in the Retry dialog, each with its own email field.</summary>
    public IReadOnlyList<UserStatusRow> RetryRows { get; private set; } = [];

    public bool AllMatching => Scope == "all";

    public string ActionLabel => BulkAction switch
    {
        Retry => text["Action_Retry"],
        // Package names read the same in both languages (the glossary): the enum's name is the label.
        Package => text["Action_Package", WireValues.TryParsePackage(PackageName ?? "", out var package) ? package.ToString() : PackageName ?? ""],
        _ => text["Action_Delete"],
    };

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        JobId = Guid.CreateVersion7();
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

        var csv = RetryEmailList.Parse(EmailCsv);
        var targets = AllMatching ? BulkTargets.AllMatchingFilter(Filter) : BulkTargets.Selected(Ids);
        targets.Emails = Emails.Where(e => !string.IsNullOrWhiteSpace(e.Value)).ToDictionary(e => e.Key, e => e.Value!.Trim());
        targets.CsvEmails = new Dictionary<string, string>(csv.ByUserId, StringComparer.Ordinal);
        _ = BulkActionNames.TryParse(BulkAction, out var action);
        _ = WireValues.TryParsePackage(PackageName ?? "", out var package);
        var now = time.GetUtcNow().UtcDateTime;
        var typedEmails = targets.Emails.Count + targets.CsvEmails.Count;
        if (AllMatching || targets.Ids!.Count > BulkTargets.MaxInRequest)
        {
            // Too many rows for one request: a background job, whose page shows its progress and its report.
            var jobId = JobId == Guid.Empty ? Guid.CreateVersion7() : JobId;
            if (await JobPageIfStartedAsync(jobId) is { } started)
            {
                return started;
            }

            var job = await BulkJobCommands.StartAsync(db, jobId, User.PartnerId(), Template.Id, User.AdminId(), action,
                package, targets, csv, now, HttpContext.RequestAborted);
            AdminAudit.Record(db, User, BulkJobAudit.Started, BulkJobAudit.Target(Template.Id), now, new
            {
                job = job.Id,
                action = BulkAction,
                scope = AllMatching ? "all" : "selected",
                package = action == BulkJobs.BulkAction.Package ? package.ToWire() : null,
                typedEmails,
                total = job.Total,
            });
            try
            {
                await db.SaveChangesAsync(HttpContext.RequestAborted);
            }
            catch (DbUpdateException e) when (e.IsUniqueViolation())
            {
                // The same confirmation, submitted twice at once: the other request started the job. A job id that
                // another partner's job holds (a forged form) is not this partner's: not found.
                return await JobPageIfStartedAsync(jobId) ?? NotFound();
            }

            jobSignal.Notify();
            return RedirectToPage("/PartnerHub/Users/BulkJobs/Job", new { id = Template.Id, jobId = job.Id });
        }

        var report = new BulkReport();
        var rows = targets.Query(db.Subscribers, User.PartnerId(), Template.Id);
        await BulkActionRun.ReportCsvAsync(rows, csv, report, HttpContext.RequestAborted);
        var run = new BulkActionRun(action, package, targets, User.Actor(), report);
        long lastSeq = 0;
        while (await BulkActionRun.NextChunkAsync(rows, lastSeq, long.MaxValue, Chunk, HttpContext.RequestAborted)
               is { Count: > 0 } chunk)
        {
            await run.ApplyAsync(operations, chunk, HttpContext.RequestAborted);
            lastSeq = chunk[^1].Seq;
        }

        AdminAudit.Record(db, User, BulkJobAudit.Finished(action), BulkJobAudit.Target(Template.Id), now, new
        {
            scope = "selected",
            package = action == BulkJobs.BulkAction.Package ? package.ToWire() : null,
            typedEmails,
            succeeded = report.Succeeded,
            skipped = report.Skipped,
            failed = report.Failed,
        });
        await db.SaveChangesAsync(HttpContext.RequestAborted);
        Result = report;
        return Page();
    }

    /// <summary>The selected rows of this template, or every row the filter matches.</summary>
    /// <summary>The page of the job with this id when this partner's template already has it (a repeated submit).</summary>
    private async Task<IActionResult?> JobPageIfStartedAsync(Guid jobId) =>
        await db.BulkJobs.AnyAsync(j => j.Id == jobId && j.PartnerId == User.PartnerId() && j.TemplateId == Template.Id,
            HttpContext.RequestAborted)
            ? RedirectToPage("/PartnerHub/Users/BulkJobs/Job", new { id = Template.Id, jobId })
            : null;

    private IQueryable<Subscriber> Targets() =>
        (AllMatching ? BulkTargets.AllMatchingFilter(Filter) : BulkTargets.Selected(Ids))
        .Query(db.Subscribers, User.PartnerId(), Template.Id);

    private async Task<IActionResult?> LoadAsync(Guid id)
    {
        var partnerId = User.PartnerId();
        var template = await db.Templates.FindOwnAsync(partnerId, id, HttpContext.RequestAborted);
        if (template is null)
        {
            return NotFound();
        }

        Template = template;
        // The customer filter names an organisation; the job keeps its spEnterpriseId, resolved here under this partner.
        await Filter.ResolveCustomerAsync(db, partnerId, HttpContext.RequestAborted);
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
