using Flowthrough.Data;
using Flowthrough.Subscribers;
using Flowthrough.Templates;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Flowthrough.PartnerHub.Users;

/// <summary>
/// Bulk actions on the User Status view: Retry Activation (for rows with a known email), Change Package Type or
/// Delete User, on the selected rows or on every row matching the filter. The GET asks for confirmation with the
/// count; the POST works through the rows in chunks and reports what succeeded and what was skipped, and why.
/// </summary>
public sealed class BulkModel(FlowthroughDbContext db, ProvisioningSignal signal, TimeProvider time,
    IStringLocalizer<BulkText> text) : PageModel
{
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

        var now = time.GetUtcNow().UtcDateTime;
        var succeeded = 0;
        var skipped = new Dictionary<string, List<string>>();
        void Skip(string reason, string userId)
        {
            if (!skipped.TryGetValue(reason, out var list))
            {
                skipped[reason] = list = [];
            }

            list.Add(userId);
        }

        _ = WireValues.TryParsePackage(PackageName ?? "", out var package);
        long lastSeq = 0;
        while (true)
        {
            // Keyset chunks over the targets: a delete or a change never shifts the next chunk.
            var chunk = await Targets().Where(s => s.Seq > lastSeq).OrderBy(s => s.Seq).Take(Chunk)
                .ToListAsync(HttpContext.RequestAborted);
            if (chunk.Count == 0)
            {
                break;
            }

            lastSeq = chunk[^1].Seq;
            foreach (var subscriber in chunk)
            {
                switch (BulkAction)
                {
                    case Retry when !IndexModel.CanRetry(subscriber.Status):
                        Skip(text["Skip_Status", subscriber.Status.ToWire()], subscriber.UserId);
                        break;
                    case Retry when subscriber.Email is null:
                        Skip(text["Skip_NoEmail"], subscriber.UserId);
                        break;
                    case Retry:
                        subscriber.RetryActivation(subscriber.Email!, User.Actor(), now);
                        succeeded++;
                        break;
                    case Package when !IndexModel.CanChangePackage(subscriber.Status):
                        Skip(text["Skip_Status", subscriber.Status.ToWire()], subscriber.UserId);
                        break;
                    case Package when subscriber.Package == package:
                        Skip(text["Skip_SamePackage"], subscriber.UserId);
                        break;
                    case Package:
                        var from = subscriber.Package;
                        subscriber.Package = package;
                        subscriber.ChangeDetails(User.Actor(), now, new { package = package.ToWire(), from = from.ToWire() });
                        succeeded++;
                        break;
                    default:
                        subscriber.Remove(User.Actor(), now);
                        db.Subscribers.Remove(subscriber);
                        succeeded++;
                        break;
                }
            }

            await db.SaveChangesAsync(HttpContext.RequestAborted);
            db.ChangeTracker.Clear();
        }

        AdminAudit.Record(db, User, $"bulk_{BulkAction}", $"template:{Template.Id}", now, new
        {
            scope = AllMatching ? "all" : "selected",
            package = BulkAction == Package ? package.ToWire() : null,
            succeeded,
            skipped = skipped.Values.Sum(v => v.Count),
        });
        await db.SaveChangesAsync(HttpContext.RequestAborted);
        if (BulkAction != Delete && succeeded > 0)
        {
            signal.Notify();
        }

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
