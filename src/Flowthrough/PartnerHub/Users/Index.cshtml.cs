using System.Globalization;
using Flowthrough.Data;
using Flowthrough.Subscribers;
using Flowthrough.Templates;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Flowthrough.PartnerHub.Users;

/// <summary>
/// User Status: a template's subscribers with their status in UI words, search, filters, keyset paging, counts per
/// status, and the row actions (Retry Activation, Delete User, Change Package Type, Copy Error Text).
/// </summary>
public sealed class IndexModel(
    FlowthroughDbContext db,
    SubscriberOperations operations,
    TimeProvider time,
    IStringLocalizer<UserStatusText> text,
    IStringLocalizer<HubText> hub) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public UserStatusQuery Filter { get; set; } = new();

    [TempData]
    public string? StatusMessage { get; set; }

    public OnboardingTemplate Template { get; private set; } = null!;

    public IReadOnlyList<UserStatusRow> Rows { get; private set; } = [];

    /// <summary>Rows per exact status in the whole template (not the filter), for the counts above the table.</summary>
    public IReadOnlyDictionary<SubscriberStatus, int> Counts { get; private set; } = new Dictionary<SubscriberStatus, int>();

    public string? NextCursor { get; private set; }

    public string? PreviousCursor { get; private set; }

    public bool ReadOnly => User.IsReadOnly();

    /// <summary>After a failed Retry Activation, the row whose menu opens again with the message.</summary>
    public Guid? RetryFailedFor { get; private set; }

    public string? RetryEmail { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        if (!await LoadTemplateAsync(id))
        {
            return NotFound();
        }

        await LoadPageAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostRetryAsync(Guid id, Guid subscriberId, string? email)
    {
        if (!await LoadTemplateAsync(id))
        {
            return NotFound();
        }

        email = email?.Trim();
        if (string.IsNullOrEmpty(email) || !SubscriberValidation.IsEmail(email))
        {
            ModelState.AddModelError("email", text["Email_Invalid"]);
            RetryFailedFor = subscriberId;
            RetryEmail = email;
            await LoadPageAsync();
            return Page();
        }

        var outcome = await operations.RetryActivationAsync(Which(subscriberId), email, User.Actor(),
            Audit("retry_activation"), HttpContext.RequestAborted);
        return outcome.Kind switch
        {
            OutcomeKind.NotFound => NotFound(),
            OutcomeKind.Done => BackWith(text["Done_Retry", Label(outcome.Subscriber!), email]),
            OutcomeKind.Conflict => BackWith(text["Failed_Concurrency", Label(outcome.Subscriber)]),
            _ => BackWith(text["Failed_State", Label(outcome.Subscriber), outcome.Subscriber!.Status.ToWire()]),
        };
    }

    public async Task<IActionResult> OnPostDeleteAsync(Guid id, Guid subscriberId)
    {
        if (!await LoadTemplateAsync(id))
        {
            return NotFound();
        }

        var outcome = await operations.RemoveAsync(Which(subscriberId), User.Actor(), Audit("delete_user"),
            HttpContext.RequestAborted);
        return outcome.Kind switch
        {
            OutcomeKind.Done => BackWith(text["Done_Delete", Label(outcome.Subscriber!)]),
            OutcomeKind.Conflict => BackWith(text["Failed_Concurrency", Label(outcome.Subscriber)]),
            _ => NotFound(),
        };
    }

    public async Task<IActionResult> OnPostPackageAsync(Guid id, Guid subscriberId, string? package, string? seen)
    {
        if (!await LoadTemplateAsync(id))
        {
            return NotFound();
        }

        if (string.IsNullOrEmpty(package) || !WireValues.TryParsePackage(package, out var chosen))
        {
            return BackWith(text["Package_Invalid"]);
        }

        SubscriberPackage? basis = WireValues.TryParsePackage(seen ?? "", out var seenPackage) ? seenPackage : null;
        var outcome = await operations.ChangePackageAsync(Which(subscriberId), chosen, basis, User.Actor(),
            Audit("change_package", new { package = chosen.ToWire() }), HttpContext.RequestAborted);
        var packageName = hub["Package_" + chosen];
        if (outcome.Subscriber is not { } subscriber)
        {
            return outcome.Kind == OutcomeKind.NotFound ? NotFound() : BackWith(text["Failed_Concurrency", Label(null)]);
        }

        return outcome.Kind switch
        {
            OutcomeKind.Unchanged => BackWith(text["Done_PackageSame", Label(subscriber), packageName]),
            OutcomeKind.Conflict => BackWith(text["Failed_PackageChanged", Label(subscriber),
                hub["Package_" + subscriber.Package]]),
            OutcomeKind.NotAllowed => BackWith(text["Failed_State", Label(subscriber), subscriber.Status.ToWire()]),
            _ when subscriber.Status == SubscriberStatus.Updating =>
                BackWith(text["Done_PackageUpdating", Label(subscriber), packageName]),
            _ => BackWith(text["Done_Package", Label(subscriber), packageName]),
        };
    }

    /// <summary>Partner and template in the WHERE clause: another partner's or template's subscriber is 404.</summary>
    private System.Linq.Expressions.Expression<Func<Subscriber, bool>> Which(Guid subscriberId) =>
        SubscriberOperations.ById(User.PartnerId(), subscriberId, Template.Id);

    /// <summary>The admin audit event, saved in the same transaction as the action it records.</summary>
    private Action<FlowthroughDbContext, Subscriber> Audit(string action, object? extra = null) =>
        (context, subscriber) => AdminAudit.Record(context, User, action, $"subscriber:{subscriber.Id}",
            time.GetUtcNow().UtcDateTime,
            new { subscriberId = subscriber.Id, userId = subscriber.UserId, status = subscriber.Status.ToWire(), extra });

    public string StatusWord(SubscriberStatus status) => status switch
    {
        SubscriberStatus.Provisioned => text["Status_Provisioned"],
        SubscriberStatus.Error => text["Status_Error"],
        SubscriberStatus.PendingEmailInput => $"{text["Status_Pending"]}: {text["Pending_EmailInput"]}",
        SubscriberStatus.PendingEmailValidation => $"{text["Status_Pending"]}: {text["Pending_EmailValidation"]}",
        SubscriberStatus.PendingUserMigration => $"{text["Status_Pending"]}: {text["Pending_UserMigration"]}",
        _ => text["Status_InProgress"],
    };

    public static string StatusClass(SubscriberStatus status) => status switch
    {
        SubscriberStatus.Provisioned => "status-provisioned",
        SubscriberStatus.Error => "status-error",
        _ when status.IsPending() => "status-pending",
        _ => "status-progress",
    };

    /// <summary>The catalogue's text in the UI language, else the stored description.</summary>
    public static string ErrorText(UserStatusRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return SubscriberDisplay.ErrorText(row.ErrorCode, row.ErrorDescription, row.ErrorReference);
    }

    /// <summary>What Copy Error Text puts on the clipboard: code, description, reference and time.</summary>
    public string CopyText(UserStatusRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return $"{text["Copy_Error"]} {row.ErrorCode}: {ErrorText(row)}\n" +
            $"{text["Copy_Reference"]}: {SubscriberDisplay.ReferenceOf(row.Id)}\n" +
            $"{text["Copy_Time"]}: {SubscriberResponse.Timestamp(row.LastStatusChange)}";
    }

    public static string Time(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>This view's URL with the current filters and the given cursor.</summary>
    public string Link(string? after = null, string? before = null) =>
        $"/partner/templates/{Template.Id}/users{Filter.QueryString(after, before)}";

    /// <summary>A row action's form target: the handler plus the filters and page, so that the redirect keeps them.</summary>
    public string ActionUrl(string handler)
    {
        var query = Filter.QueryString(Filter.After, Filter.Before);
        return $"/partner/templates/{Template.Id}/users?handler={handler}" + (query.Length > 0 ? "&" + query[1..] : "");
    }

    private async Task<bool> LoadTemplateAsync(Guid id)
    {
        var partnerId = User.PartnerId();
        var template = await db.Templates.AsNoTracking()
            .FirstOrDefaultAsync(t => t.Id == id && t.PartnerId == partnerId, HttpContext.RequestAborted);
        if (template is null)
        {
            return false;
        }

        Template = template;
        return true;
    }

    /// <summary>Up to this many search matches are sorted in memory by the database instead of walked in order.</summary>
    private const int SearchCandidates = 5000;

    private async Task LoadPageAsync()
    {
        var partnerId = User.PartnerId();
        var templateId = Template.Id;
        var ct = HttpContext.RequestAborted;
        var filtered = Filter.Filter(db.Subscribers.AsNoTracking(), partnerId, templateId);
        if (!string.IsNullOrWhiteSpace(Filter.Q))
        {
            // A search that matches few rows is found through the search indexes first, then sorted; asked in one
            // ordered query the database walks the sort index and filters, which reads the whole template when
            // matches are rare. A search matching many rows finds its page quickly that way, so it stays as it is.
            var candidates = await filtered.Select(s => s.Seq).Take(SearchCandidates + 1).ToListAsync(ct);
            if (candidates.Count <= SearchCandidates)
            {
                filtered = db.Subscribers.AsNoTracking()
                    .Where(s => s.PartnerId == partnerId && s.TemplateId == templateId && candidates.Contains(s.Seq));
            }
        }

        var before = UserStatusQuery.Cursor.Decode(Filter.Before, Filter.ByUserId);
        var after = before is null ? UserStatusQuery.Cursor.Decode(Filter.After, Filter.ByUserId) : null;
        var reverse = before is not null;
        var cursor = before ?? after;
        var page = cursor is null ? filtered : Filter.Past(filtered, cursor, reverse);
        var rows = await Filter.Order(page, reverse).Take(UserStatusQuery.PageSize + 1)
            .Select(UserStatusQuery.ToRow).ToListAsync(ct);
        var more = rows.Count > UserStatusQuery.PageSize;
        if (more)
        {
            rows.RemoveAt(rows.Count - 1);
        }

        if (reverse)
        {
            rows.Reverse();
        }

        Rows = rows;
        if (rows.Count > 0)
        {
            // Walking forward, a previous page exists when we came from a cursor; walking back, when more rows were read.
            var hasNext = reverse || more;
            var hasPrevious = reverse ? more : after is not null;
            NextCursor = hasNext ? Filter.CursorOf(rows[^1]).Encode() : null;
            PreviousCursor = hasPrevious ? Filter.CursorOf(rows[0]).Encode() : null;
        }

        // Kept per template by every save (TemplateStatusCount): no counting over a million rows per page view.
        Counts = await db.TemplateStatusCounts.AsNoTracking()
            .Where(c => c.TemplateId == templateId && c.Count > 0)
            .ToDictionaryAsync(c => c.Status, c => (int)c.Count, ct);
    }

    private RedirectResult BackWith(string message)
    {
        StatusMessage = message;
        return Redirect(Link(Filter.After, Filter.Before));
    }

    private static string Label(Subscriber? s) => s is null ? "" : $"{s.FirstName} {s.LastName} ({s.UserId})";
}
