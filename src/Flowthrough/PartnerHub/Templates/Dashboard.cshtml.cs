using Flowthrough.Data;
using Flowthrough.Subscribers;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.PartnerHub.Templates;

/// <summary>How onboarding through one template is going: the funnel, time to provisioned, and who is stuck.</summary>
public sealed class DashboardModel(FlowthroughDbContext db, TimeProvider time) : PageModel
{
    /// <summary>Time-to-provisioned is measured over the most recent provisionings only, so the page stays fast at any size.</summary>
    public const int Sample = 10_000;

    public sealed record Stage(SubscriberStatus Status, int Count);

    public sealed record Stuck(Guid Id, string UserId, SubscriberStatus Status, DateTime Since);

    public string TemplateName { get; private set; } = "";

    public Guid TemplateId { get; private set; }

    public IReadOnlyList<Stage> Funnel { get; private set; } = [];

    public int Total { get; private set; }

    public TimeSpan? P50 { get; private set; }

    public TimeSpan? P95 { get; private set; }

    public int Measured { get; private set; }

    public int StuckCount { get; private set; }

    public IReadOnlyList<Stuck> Oldest { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        var partnerId = User.PartnerId();
        var template = await db.Templates.AsNoTracking().Where(t => t.Id == id && t.PartnerId == partnerId)
            .Select(t => new { t.Id, t.Name }).FirstOrDefaultAsync(HttpContext.RequestAborted);
        if (template is null)
        {
            return NotFound();
        }

        TemplateId = template.Id;
        TemplateName = template.Name;
        var counts = await db.TemplateStatusCounts.AsNoTracking().Where(c => c.TemplateId == id)
            .Select(c => new { Key = c.Status, Count = (int)c.Count }).ToListAsync(HttpContext.RequestAborted);
        SubscriberStatus[] order =
        [
            SubscriberStatus.PendingEmailInput, SubscriberStatus.PendingEmailValidation, SubscriberStatus.PendingUserMigration,
            SubscriberStatus.Provisioning, SubscriberStatus.Updating, SubscriberStatus.Provisioned, SubscriberStatus.Error,
        ];
        Funnel = [.. order.Select(s => new Stage(s, counts.FirstOrDefault(c => c.Key == s)?.Count ?? 0))];
        Total = Funnel.Sum(s => s.Count);

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
}
