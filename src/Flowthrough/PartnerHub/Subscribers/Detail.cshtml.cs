using Flowthrough.Data;
using Flowthrough.Email;
using Flowthrough.Subscribers;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.PartnerHub.Subscribers;

/// <summary>Everything about one subscriber, and its timeline: intake, emails and their delivery, codes, attempts, admin actions.</summary>
public sealed class DetailModel(FlowthroughDbContext db) : PageModel
{
    public sealed record TimelineEntry(DateTime At, string Kind, string Actor, string? From, string? To, string? Data);

    /// <summary>One email and its delivery: while SMTP is down a message stays Queued with its next try and last error.</summary>
    public sealed record MailEntry(DateTime Created, EmailKind Kind, string To, OutboxStatus Status, int Attempts,
        DateTime? SentAt, DateTime? NextAttemptAt, string? LastError);

    public Subscriber Subscriber { get; private set; } = null!;

    public string TemplateName { get; private set; } = "";

    public IReadOnlyList<TimelineEntry> Timeline { get; private set; } = [];

    public IReadOnlyList<MailEntry> Mail { get; private set; } = [];

    public string Reference => SubscriberDisplay.ReferenceOf(Subscriber.Id);

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        var partnerId = User.PartnerId();
        var subscriber = await db.Subscribers.AsNoTracking()
            .FirstOrDefaultAsync(s => s.Id == id && s.PartnerId == partnerId, HttpContext.RequestAborted);
        if (subscriber is null)
        {
            return NotFound();
        }

        Subscriber = subscriber;
        TemplateName = await db.Templates.Where(t => t.Id == subscriber.TemplateId).Select(t => t.Name)
            .FirstOrDefaultAsync(HttpContext.RequestAborted) ?? "";
        var events = await db.SubscriberEvents.AsNoTracking().Where(e => e.SubscriberId == id)
            .OrderByDescending(e => e.Id).Take(500).ToListAsync(HttpContext.RequestAborted);
        // Admin actors are stored by id; the timeline names them by their sign-in email.
        var adminIds = events.Select(e => e.Actor).Where(a => a.StartsWith("admin:", StringComparison.Ordinal))
            .Select(a => Guid.TryParse(a[6..], out var admin) ? admin : Guid.Empty).Distinct().ToList();
        var admins = await db.PartnerAdmins.AsNoTracking().Where(a => adminIds.Contains(a.Id) && a.PartnerId == partnerId)
            .ToDictionaryAsync(a => $"admin:{a.Id}", a => a.Email, HttpContext.RequestAborted);
        Timeline = [.. events.Select(e => new TimelineEntry(e.At, e.Kind, admins.GetValueOrDefault(e.Actor) ?? e.Actor,
            e.FromStatus, e.ToStatus, e.Data))];
        Mail = await db.Outbox.AsNoTracking().Where(m => m.SubscriberId == id).OrderByDescending(m => m.Id).Take(100)
            .Select(m => new MailEntry(m.Created, m.Kind, m.To, m.Status, m.Attempts, m.SentAt, m.NextAttemptAt, m.LastError))
            .ToListAsync(HttpContext.RequestAborted);
        return Page();
    }
}
