using System.Globalization;
using Flowthrough.Data;
using Flowthrough.Provisioning.Targets.Reconciliation;
using Flowthrough.Provisioning.Targets;
using Flowthrough.Subscribers;
using Flowthrough.Templates;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace Flowthrough.PartnerHub.Reconciliation;

/// <summary>
/// A template's reconciliation: "Run reconciliation now" (a queued run the runner takes in the background; the page
/// follows its progress, polling with reconciliation.js or by a plain reload), the last runs, and the chosen run's items
/// filtered by kind, each with its repair buttons (plain forms, post-redirect-get). Another partner's template is 404.
/// </summary>
public sealed class IndexModel(
    FlowthroughDbContext db,
    ProvisioningTargets targets,
    ReconciliationRepairs repairs,
    ReconciliationSignal signal,
    IOptions<TargetOptions> options,
    TimeProvider time,
    IStringLocalizer<ReconciliationText> text) : PageModel
{
    public const int PageSize = 100;

    /// <summary>The filter values: a kind, or the ignored items; empty shows every item.</summary>
    public static readonly IReadOnlyList<string> Filters = ["", "missing", "extra", "different", "ignored"];

    public OnboardingTemplate Template { get; private set; } = null!;

    public string TargetName { get; private set; } = "";

    public IReadOnlyList<ReconciliationRun> Runs { get; private set; } = [];

    /// <summary>Who started each manual run, by admin id.</summary>
    public IReadOnlyDictionary<Guid, string> Admins { get; private set; } = new Dictionary<Guid, string>();

    /// <summary>The run whose items show: the one asked for, else the newest.</summary>
    public ReconciliationRun? Run { get; private set; }

    public IReadOnlyList<ReconciliationItem> Items { get; private set; } = [];

    public int ItemCount { get; private set; }

    /// <summary>BroadWorks user IDs of the items' subscribers (a deleted one is absent).</summary>
    public IReadOnlyDictionary<Guid, string> SubscriberUserIds { get; private set; } = new Dictionary<Guid, string>();

    public int RepushableCount { get; private set; }

    [BindProperty(SupportsGet = true, Name = "kind")]
    public string? Kind { get; set; }

    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    public string Schedule => Template.TargetId is null
        ? text["Schedule_BuiltIn"]
        : options.Value.ReconciliationInterval <= TimeSpan.Zero
            ? text["Schedule_Off"]
            : text["Schedule_Every", options.Value.ReconciliationInterval.TotalHours.ToString("0.##", CultureInfo.CurrentCulture)];

    public async Task<IActionResult> OnGetAsync(Guid id, Guid? run)
    {
        if (!await LoadTemplateAsync(id))
        {
            return NotFound();
        }

        var ct = HttpContext.RequestAborted;
        TargetName = (await targets.ForTargetIdAsync(db, Template.TargetId, ct)).Name;
        Runs = await db.ReconciliationRuns.AsNoTracking().Where(r => r.PartnerId == Template.PartnerId && r.TemplateId == id)
            .OrderByDescending(r => r.Created).Take(10).ToListAsync(ct);
        Run = run is { } chosen
            ? Runs.FirstOrDefault(r => r.Id == chosen) ?? await db.ReconciliationRuns.AsNoTracking()
                .FirstOrDefaultAsync(r => r.Id == chosen && r.PartnerId == Template.PartnerId && r.TemplateId == id, ct)
            : Runs.Count > 0 ? Runs[0] : null;
        if (run is not null && Run is null)
        {
            return NotFound();
        }

        var adminIds = Runs.Where(r => r.AdminId is not null).Select(r => r.AdminId!.Value).Distinct().ToList();
        Admins = await db.PartnerAdmins.AsNoTracking().Where(a => adminIds.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.Email, ct);
        Kind = Filters.Contains(Kind ?? "") ? Kind ?? "" : "";
        PageNumber = Math.Max(1, PageNumber);
        if (Run is not null)
        {
            await LoadItemsAsync(Run, ct);
        }

        return Page();
    }

    private async Task LoadItemsAsync(ReconciliationRun run, CancellationToken ct)
    {
        var items = db.ReconciliationItems.AsNoTracking().Where(i => i.RunId == run.Id);
        if (Kind == "ignored")
        {
            items = items.Where(i => i.Resolution == DriftResolution.Ignored);
        }
        else if (Enum.TryParse<DriftKind>(Kind, true, out var kind))
        {
            items = items.Where(i => i.Kind == kind && i.Resolution != DriftResolution.Ignored);
        }

        ItemCount = await items.CountAsync(ct);
        Items = await items.OrderBy(i => i.Kind).ThenBy(i => i.UserName).ThenBy(i => i.Id)
            .Skip((PageNumber - 1) * PageSize).Take(PageSize).ToListAsync(ct);
        var subscriberIds = Items.Where(i => i.SubscriberId is not null).Select(i => i.SubscriberId!.Value).Distinct().ToList();
        SubscriberUserIds = await db.Subscribers.AsNoTracking()
            .Where(s => s.PartnerId == run.PartnerId && subscriberIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => s.UserId, ct);
        RepushableCount = await repairs.RepushableCountAsync(run.Id, ct);
    }

    /// <summary>The run's progress as JSON for reconciliation.js, its words in the viewer's language.</summary>
    public async Task<IActionResult> OnGetProgressAsync(Guid id, Guid run)
    {
        if (!await LoadTemplateAsync(id))
        {
            return NotFound();
        }

        var found = await db.ReconciliationRuns.AsNoTracking()
            .FirstOrDefaultAsync(r => r.Id == run && r.PartnerId == Template.PartnerId && r.TemplateId == id, HttpContext.RequestAborted);
        if (found is null)
        {
            return NotFound();
        }

        Response.Headers.CacheControl = "no-store";
        return new JsonResult(new
        {
            state = found.State.ToString(),
            active = found.IsActive,
            total = found.OrganizationsTotal,
            done = found.OrganizationsDone,
            stateText = StateText(found),
            progressText = ProgressText(found),
        });
    }

    public async Task<IActionResult> OnPostStartAsync(Guid id)
    {
        if (!await LoadTemplateAsync(id))
        {
            return NotFound();
        }

        var now = time.GetUtcNow().UtcDateTime;
        var run = await ReconciliationRunner.StartAsync(db, Template.PartnerId, id, User.AdminId(), now, HttpContext.RequestAborted);
        if (db.Entry(run).State == EntityState.Added)
        {
            AdminAudit.Record(db, User, ReconciliationRepairs.AuditRun, $"template:{id}", now, new { run = run.Id });
            await db.SaveChangesAsync(HttpContext.RequestAborted);
            signal.Notify();
            TempData["StatusMessage"] = text["Started"].Value;
        }
        else
        {
            TempData["StatusMessage"] = text["AlreadyRunning"].Value;
        }

        return RedirectToPage(new { id, run = run.Id });
    }

    public async Task<IActionResult> OnPostRepairAsync(Guid id, Guid item, RepairAction action, Guid? run)
    {
        if (!await LoadTemplateAsync(id))
        {
            return NotFound();
        }

        var outcome = await repairs.RepairAsync(Admin, id, item, action, HttpContext.RequestAborted);
        if (outcome.Result == RepairResult.NotFound)
        {
            return NotFound();
        }

        var who = outcome.Item?.SubscriberId is { } subscriberId
            ? await db.Subscribers.AsNoTracking().Where(s => s.Id == subscriberId).Select(s => s.UserId).FirstOrDefaultAsync(HttpContext.RequestAborted)
            : null;
        who ??= outcome.Item?.UserName ?? "";
        TempData["StatusMessage"] = (outcome.Result, action) switch
        {
            (RepairResult.Done, RepairAction.Ignore) => text["Done_Ignore"].Value,
            (RepairResult.Done, RepairAction.Adopt) => text["Done_Adopt", who, outcome.Item!.UserName].Value,
            (RepairResult.Done, _) => text["Done_Repush", who].Value,
            (RepairResult.AlreadyWithEngine, _) => text["Failed_AlreadyWithEngine", who].Value,
            (RepairResult.NotAllowed, _) => text["Failed_NotAllowed", who, outcome.Status?.ToWire() ?? ""].Value,
            (RepairResult.SubscriberGone, _) => text["Failed_Gone"].Value,
            (RepairResult.Conflict, _) => text["Failed_Conflict", who].Value,
            _ => text["Failed_NotOffered"].Value,
        };
        return RedirectToPage(new { id, run = run ?? outcome.Item?.RunId, kind = Kind, p = PageNumber });
    }

    public async Task<IActionResult> OnPostRepushAllAsync(Guid id, Guid run)
    {
        if (!await LoadTemplateAsync(id))
        {
            return NotFound();
        }

        var outcome = await repairs.RepushAllAsync(Admin, id, run, HttpContext.RequestAborted);
        if (outcome is null)
        {
            return NotFound();
        }

        TempData["StatusMessage"] = text["Done_RepushAll", outcome.Done, outcome.NotDone].Value;
        return RedirectToPage(new { id, run, kind = Kind });
    }

    public string StateText(ReconciliationRun run) => text[$"State_{run.State}"];

    public string ProgressText(ReconciliationRun run) =>
        text["ProgressValue", run.OrganizationsDone, run.OrganizationsTotal];

    public string StartedBy(ReconciliationRun run) =>
        run.Trigger == ReconciliationTrigger.Scheduled ? text["By_Schedule"] : Admins.GetValueOrDefault(run.AdminId ?? Guid.Empty) ?? "–";

    public string KindText(DriftKind kind) => text[$"Kind_{kind}"];

    public string FilterText(string filter) => filter switch
    {
        "" => text["Filter_All"],
        "ignored" => text["Filter_Ignored"],
        _ => KindText(Enum.Parse<DriftKind>(filter, true)),
    };

    /// <summary>How many items a filter shows, from the run's counts.</summary>
    public int FilterCount(string filter) => Run is not { } run ? 0 : filter switch
    {
        "missing" => run.Missing,
        "extra" => run.Extra,
        "different" => run.Different,
        "ignored" => run.Ignored,
        _ => run.Missing + run.Extra + run.Different + run.Ignored,
    };

    public static string Time(DateTime? utc) =>
        utc?.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) ?? "–";

    private RepairAdmin Admin => new(User.PartnerId(), User.AdminId());

    private async Task<bool> LoadTemplateAsync(Guid id)
    {
        var partnerId = User.PartnerId();
        var template = await db.Templates.FindOwnAsync(partnerId, id, HttpContext.RequestAborted);
        if (template is null)
        {
            return false;
        }

        Template = template;
        return true;
    }
}
