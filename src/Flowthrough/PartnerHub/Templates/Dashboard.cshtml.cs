using Flowthrough.Data;
using Flowthrough.Subscribers;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.PartnerHub.Templates;

/// <summary>
/// How onboarding through one template is going: the funnel, provisioned per day, errors by code, time to
/// provisioned, and who is stuck. Every figure is one grouped or bounded query on a (PartnerId, TemplateId, …) index
/// or on the per-template status counts, so the page costs the same at a million users.
/// </summary>
public sealed class DashboardModel(FlowthroughDbContext db, TimeProvider time, Flowthrough.Provisioning.Targets.TargetGates gates) : PageModel
{
    /// <summary>Time-to-provisioned is measured over the most recent provisionings only, so the page stays fast at any size.</summary>
    public const int Sample = 10_000;

    public sealed record Stage(SubscriberStatus Status, int Count);

    public sealed record Stuck(Guid Id, string UserId, SubscriberStatus Status, DateTime Since);

    /// <summary>A funnel stage: how many users got at least this far, and what share of the previous stage did.</summary>
    public sealed record FunnelStage(string Name, int Count, double? Conversion);

    public sealed record Day(DateOnly Date, int Count);

    public sealed record ErrorGroup(int? Code, int Count, ErrorDefinition? Definition);

    /// <summary>The days "provisioned per day" covers, today (UTC) included.</summary>
    public const int Days = 30;

    public string TemplateName { get; private set; } = "";

    public Guid TemplateId { get; private set; }

    /// <summary>Where the template provisions and whether its circuit breaker lets calls through.</summary>
    public Targets.TemplateTarget Target { get; private set; } = null!;

    public IReadOnlyList<Stage> Funnel { get; private set; } = [];

    public int Total { get; private set; }

    public TimeSpan? P50 { get; private set; }

    public TimeSpan? P95 { get; private set; }

    public int Measured { get; private set; }

    public int StuckCount { get; private set; }

    public IReadOnlyList<FunnelStage> Stages { get; private set; } = [];

    public IReadOnlyList<Day> PerDay { get; private set; } = [];

    public IReadOnlyList<ErrorGroup> Errors { get; private set; } = [];

    public IReadOnlyList<Stuck> Oldest { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        var partnerId = User.PartnerId();
        var template = await db.Templates.AsNoTracking().Where(t => t.Id == id && t.PartnerId == partnerId)
            .Select(t => new { t.Id, t.Name, t.TargetId }).FirstOrDefaultAsync(HttpContext.RequestAborted);
        if (template is null)
        {
            return NotFound();
        }

        TemplateId = template.Id;
        TemplateName = template.Name;
        Target = await Targets.TemplateTarget.OfAsync(db, gates, partnerId, template.TargetId, HttpContext.RequestAborted);
        var counts = await db.TemplateStatusCounts.AsNoTracking().Where(c => c.TemplateId == id)
            .Select(c => new { Key = c.Status, Count = (int)c.Count }).ToListAsync(HttpContext.RequestAborted);
        SubscriberStatus[] order =
        [
            SubscriberStatus.PendingEmailInput, SubscriberStatus.PendingEmailValidation, SubscriberStatus.PendingUserMigration,
            SubscriberStatus.Provisioning, SubscriberStatus.Updating, SubscriberStatus.Provisioned, SubscriberStatus.Error,
        ];
        Funnel = [.. order.Select(s => new Stage(s, counts.FirstOrDefault(c => c.Key == s)?.Count ?? 0))];
        Total = Funnel.Sum(s => s.Count);
        Stages = StagesOf(Funnel);

        var cancel = HttpContext.RequestAborted;
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var since = today.AddDays(1 - Days).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var days = await ProvisionedPerDay(db.Subscribers.AsNoTracking(), partnerId, id, since).ToListAsync(cancel);
        PerDay = [.. Enumerable.Range(0, Days).Select(i => today.AddDays(i + 1 - Days))
            .Select(d => new Day(d, days.Where(x => DateOnly.FromDateTime(x.Date) == d).Sum(x => x.Count)))];

        var errors = await ErrorsByCode(db.Subscribers.AsNoTracking(), partnerId, id).ToListAsync(cancel);
        Errors = [.. errors.OrderByDescending(e => e.Count).ThenBy(e => e.Code)
            .Select(e => new ErrorGroup(e.Code, e.Count, e.Code is { } code ? ErrorCatalog.Find(code) : null))];

        var provisioned = await db.Subscribers.AsNoTracking()
            .Where(s => s.PartnerId == partnerId && s.TemplateId == id && s.Status == SubscriberStatus.Provisioned)
            .OrderByDescending(s => s.LastStatusChange).Take(Sample)
            .Select(s => new { s.Created, s.LastStatusChange }).ToListAsync(HttpContext.RequestAborted);
        var durations = provisioned.Select(p => p.LastStatusChange - p.Created).Order().ToList();
        Measured = durations.Count;
        if (durations.Count > 0)
        {
            P50 = durations[(int)Math.Ceiling(durations.Count * 0.50) - 1];
            P95 = durations[(int)Math.Ceiling(durations.Count * 0.95) - 1];
        }

        var dayAgo = time.GetUtcNow().UtcDateTime.AddDays(-1);
        var stuck = db.Subscribers.AsNoTracking().Where(s => s.PartnerId == partnerId && s.TemplateId == id
            && (s.Status == SubscriberStatus.PendingEmailInput || s.Status == SubscriberStatus.PendingEmailValidation
                || s.Status == SubscriberStatus.PendingUserMigration)
            && s.LastStatusChange < dayAgo);
        StuckCount = await stuck.CountAsync(HttpContext.RequestAborted);
        Oldest = await stuck.OrderBy(s => s.LastStatusChange).Take(20)
            .Select(s => new Stuck(s.Id, s.UserId, s.Status, s.LastStatusChange)).ToListAsync(HttpContext.RequestAborted);
        return Page();
    }

    public sealed record DayCount(DateTime Date, int Count);

    public sealed record CodeCount(int? Code, int Count);

    /// <summary>
    /// Users of the template who reached Provisioned since <paramref name="since"/>, per UTC day, grouped in the
    /// database over the (PartnerId, TemplateId, Status, LastStatusChange) range.
    /// </summary>
    public static IQueryable<DayCount> ProvisionedPerDay(IQueryable<Subscriber> subscribers, Guid partnerId, Guid templateId,
        DateTime since) =>
        subscribers.Where(s => s.PartnerId == partnerId && s.TemplateId == templateId
                && s.Status == SubscriberStatus.Provisioned && s.LastStatusChange >= since)
            .GroupBy(s => s.LastStatusChange.Date)
            .Select(g => new DayCount(g.Key, g.Count()));

    /// <summary>The template's users in Error per error code, grouped in the database over the (PartnerId, TemplateId, Status, …) range.</summary>
    public static IQueryable<CodeCount> ErrorsByCode(IQueryable<Subscriber> subscribers, Guid partnerId, Guid templateId) =>
        subscribers.Where(s => s.PartnerId == partnerId && s.TemplateId == templateId && s.Status == SubscriberStatus.Error)
            .GroupBy(s => s.ErrorCode)
            .Select(g => new CodeCount(g.Key, g.Count()));

    /// <summary>
    /// The funnel from today's status counts: a user counts for every stage they have passed. Trusted users skip the
    /// email steps, so they count as having passed them; an error or a consent wait happens after verification.
    /// </summary>
    public static IReadOnlyList<FunnelStage> StagesOf(IReadOnlyList<Stage> byStatus)
    {
        ArgumentNullException.ThrowIfNull(byStatus);
        int Count(params SubscriberStatus[] statuses) => byStatus.Where(s => statuses.Contains(s.Status)).Sum(s => s.Count);
        var all = byStatus.Sum(s => s.Count);
        var entered = all - Count(SubscriberStatus.PendingEmailInput);
        var verified = entered - Count(SubscriberStatus.PendingEmailValidation);
        var provisioned = Count(SubscriberStatus.Provisioned, SubscriberStatus.Updating);
        (string Name, int Count)[] stages =
            [("Stage_All", all), ("Stage_EmailEntered", entered), ("Stage_EmailVerified", verified), ("Stage_Provisioned", provisioned)];
        return [.. stages.Select((s, i) => new FunnelStage(s.Name, s.Count,
            i == 0 || stages[i - 1].Count == 0 ? null : (double)s.Count / stages[i - 1].Count))];
    }
}
