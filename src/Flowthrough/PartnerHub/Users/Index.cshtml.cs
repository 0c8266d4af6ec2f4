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
    ProvisioningSignal signal,
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

    public async Task<IActionResult> OnPostRetryAsync(Guid id, Guid subscriberId, int version, string? email)
    {
        if (!await LoadTemplateAsync(id) || await FindAsync(subscriberId) is not { } subscriber)
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

        if (subscriber.Status != SubscriberStatus.Error && !subscriber.Status.IsPending())
        {
            return BackWith(text["Failed_State", Label(subscriber), subscriber.Status.ToWire()]);
        }

        var now = time.GetUtcNow().UtcDateTime;
        subscriber.RetryActivation(email, User.Actor(), now);
        AdminAudit.Record(db, User, "retry_activation", TargetOf(subscriber), now,
            new { subscriberId = subscriber.Id, userId = subscriber.UserId });
        if (await SaveAsync(subscriber, version) is { } conflict)
        {
            return conflict;
        }

        signal.Notify();
        return BackWith(text["Done_Retry", Label(subscriber), email]);
    }

    public async Task<IActionResult> OnPostDeleteAsync(Guid id, Guid subscriberId, int version)
    {
        if (!await LoadTemplateAsync(id) || await FindAsync(subscriberId) is not { } subscriber)
        {
            return NotFound();
        }

        var now = time.GetUtcNow().UtcDateTime;
        db.Entry(subscriber).Property(s => s.Version).OriginalValue = version;
        AdminAudit.Record(db, User, "delete_user", TargetOf(subscriber), now,
            new { subscriberId = subscriber.Id, userId = subscriber.UserId, status = subscriber.Status.ToWire() });
        try
        {
            await SubscriberRemoval.RemoveAsync(db, subscriber, User.Actor(), now, HttpContext.RequestAborted);
        }
        catch (DbUpdateConcurrencyException)
        {
            return BackWith(text["Failed_Concurrency", Label(subscriber)]);
        }

        return BackWith(text["Done_Delete", Label(subscriber)]);
    }

    public async Task<IActionResult> OnPostPackageAsync(Guid id, Guid subscriberId, int version, string? package)
    {
        if (!await LoadTemplateAsync(id) || await FindAsync(subscriberId) is not { } subscriber)
        {
            return NotFound();
        }

        if (string.IsNullOrEmpty(package) || !WireValues.TryParsePackage(package, out var chosen))
        {
            return BackWith(text["Package_Invalid"]);
        }

        if (!CanChangePackage(subscriber.Status))
        {
            return BackWith(text["Failed_State", Label(subscriber), subscriber.Status.ToWire()]);
        }

        var packageName = hub["Package_" + chosen];
        if (chosen == subscriber.Package)
        {
            return BackWith(text["Done_PackageSame", Label(subscriber), packageName]);
        }

        var now = time.GetUtcNow().UtcDateTime;
        var changes = new Dictionary<string, string> { ["package"] = chosen.ToWire(), ["previous"] = subscriber.Package.ToWire() };
        subscriber.Package = chosen;
        subscriber.ChangeDetails(User.Actor(), now, changes);
        AdminAudit.Record(db, User, "change_package", TargetOf(subscriber), now,
            new { subscriberId = subscriber.Id, userId = subscriber.UserId, package = chosen.ToWire() });
        if (await SaveAsync(subscriber, version) is { } conflict)
        {
            return conflict;
        }

        if (subscriber.Status == SubscriberStatus.Updating)
        {
            signal.Notify();
            return BackWith(text["Done_PackageUpdating", Label(subscriber), packageName]);
        }

        return BackWith(text["Done_Package", Label(subscriber), packageName]);
    }

    /// <summary>Retry Activation takes a user in error or waiting on a requirement (DESIGN §3.3).</summary>
    public static bool CanRetry(SubscriberStatus status) => status == SubscriberStatus.Error || status.IsPending();

    /// <summary>Not while the engine works on the user: its save would race the change.</summary>
    public static bool CanChangePackage(SubscriberStatus status) =>
        status is not (SubscriberStatus.Provisioning or SubscriberStatus.Updating);

    public static bool IsInProgress(SubscriberStatus status) =>
        status is SubscriberStatus.Provisioning or SubscriberStatus.Updating;

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
        return row.ErrorCode is { } code && ErrorCatalog.Find(code) is { } error
            ? error.Describe(CultureInfo.CurrentUICulture.Name)
            : row.ErrorDescription ?? "";
    }

    /// <summary>What Copy Error Text puts on the clipboard: code, description, reference and time.</summary>
    public string CopyText(UserStatusRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return $"{text["Copy_Error"]} {row.ErrorCode}: {ErrorText(row)}\n" +
            $"{text["Copy_Reference"]}: {Activation.MeModel.ReferenceOf(row.Id)}\n" +
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

    /// <summary>Partner and template in the WHERE clause: another partner's or template's subscriber is 404.</summary>
    private Task<Subscriber?> FindAsync(Guid subscriberId)
    {
        var partnerId = User.PartnerId();
        var templateId = Template.Id;
        return db.Subscribers.FirstOrDefaultAsync(
            s => s.Id == subscriberId && s.PartnerId == partnerId && s.TemplateId == templateId, HttpContext.RequestAborted);
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

    /// <summary>Saves with the version the admin saw: a change in between is a message, not a lost update or a 500.</summary>
    private async Task<IActionResult?> SaveAsync(Subscriber subscriber, int version)
    {
        db.Entry(subscriber).Property(s => s.Version).OriginalValue = version;
        try
        {
            await db.SaveChangesAsync(HttpContext.RequestAborted);
            return null;
        }
        catch (DbUpdateConcurrencyException)
        {
            return BackWith(text["Failed_Concurrency", Label(subscriber)]);
        }
    }

    private RedirectResult BackWith(string message)
    {
        StatusMessage = message;
        return Redirect(Link(Filter.After, Filter.Before));
    }

    private static string Label(Subscriber s) => $"{s.FirstName} {s.LastName} ({s.UserId})";

    private static string TargetOf(Subscriber s) => $"subscriber:{s.Id}";
}
