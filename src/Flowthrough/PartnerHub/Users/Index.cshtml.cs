using Flowthrough.Data;
using Flowthrough.Provisioning;
using Flowthrough.Subscribers;
using Flowthrough.Templates;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Flowthrough.PartnerHub.Users;

/// <summary>
/// User Status: a template's subscribers with their status in UI words, search, filters, keyset paging and counts per
/// status. Each row's "⋯" menu leads to the row actions (<see cref="RowActionModel"/>); a small JSON answer
/// (<see cref="OnGetLiveAsync"/>) lets the page refresh itself while rows are in progress.
/// </summary>
public sealed class IndexModel(
    FlowthroughDbContext db,
    IStringLocalizer<UserStatusText> text,
    IStringLocalizer<HubText> hub) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public UserStatusQuery Filter { get; set; } = new();

    public OnboardingTemplate Template { get; private set; } = null!;

    public IReadOnlyList<UserStatusRow> Rows { get; private set; } = [];

    /// <summary>Rows per exact status in the whole template (not the filter), for the counts above the table.</summary>
    public IReadOnlyDictionary<SubscriberStatus, int> Counts { get; private set; } = new Dictionary<SubscriberStatus, int>();

    public string? NextCursor { get; private set; }

    public string? PreviousCursor { get; private set; }

    public bool ReadOnly => User.IsReadOnly();

    public UserStatusDisplay Display { get; } = new(text, hub);

    /// <summary>The organisation the customer filter names (for its chip); null without one or when unknown.</summary>
    public CustomerOrganization? Customer { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        if (!await LoadTemplateAsync(id))
        {
            return NotFound();
        }

        await LoadPageAsync();
        return Page();
    }

    /// <summary>
    /// The live refresh's question, asked every few seconds while rows are in progress: the counts and each shown
    /// row's version for the same filters and page. The page fetches the whole view only when a row changed.
    /// </summary>
    public async Task<IActionResult> OnGetLiveAsync(Guid id)
    {
        if (!await LoadTemplateAsync(id))
        {
            return NotFound();
        }

        await LoadPageAsync();
        Response.Headers.CacheControl = "no-store";
        return new JsonResult(new
        {
            counts = Groups.ToDictionary(g => g.Key, g => g.Count),
            rows = Rows.Select(r => new { id = r.Id, v = r.Version }),
        });
    }

    /// <summary>The counts above the table: all, then each UI status word (ids count-{key}).</summary>
    public IReadOnlyList<(string Key, string Label, string Class, int Count)> Groups
    {
        get
        {
            int Of(params SubscriberStatus[] statuses) => statuses.Sum(s => Counts.GetValueOrDefault(s));
            return
            [
                ("all", text["Total"], "", Counts.Values.Sum()),
                ("provisioned", text["Status_Provisioned"], "status-provisioned", Of(SubscriberStatus.Provisioned)),
                ("pending", text["Status_Pending"], "status-pending", Of(SubscriberStatus.PendingEmailInput,
                    SubscriberStatus.PendingEmailValidation, SubscriberStatus.PendingUserMigration)),
                ("error", text["Status_Error"], "status-error", Of(SubscriberStatus.Error)),
                ("progress", text["Status_InProgress"], "status-progress",
                    Of(SubscriberStatus.Provisioning, SubscriberStatus.Updating)),
            ];
        }
    }

    /// <summary>This view's URL with the current filters and the given cursor.</summary>
    public string Link(string? after = null, string? before = null) =>
        $"/partner/templates/{Template.Id}/users{Filter.QueryString(after, before)}";

    /// <summary>The same view without the customer filter (the chip's remove link).</summary>
    public string LinkWithoutCustomer()
    {
        var customer = Filter.Customer;
        Filter.Customer = null;
        var link = Link();
        Filter.Customer = customer;
        return link;
    }

    /// <summary>A row action's plain page, with the filters and page so that its redirect comes back here.</summary>
    public string ActionUrl(UserStatusRow row, string action)
    {
        ArgumentNullException.ThrowIfNull(row);
        return $"/partner/templates/{Template.Id}/users/{row.Id}/{action}{Filter.QueryString(Filter.After, Filter.Before)}";
    }

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

    /// <summary>Up to this many search matches are sorted in memory by the database instead of walked in order.</summary>
    private const int SearchCandidates = 5000;

    private async Task LoadPageAsync()
    {
        var partnerId = User.PartnerId();
        var templateId = Template.Id;
        var ct = HttpContext.RequestAborted;
        Customer = await Filter.ResolveCustomerAsync(db, partnerId, ct);
        var filtered = Filter.Filter(db.Subscribers.AsNoTracking(), partnerId, templateId);
        var before = UserStatusQuery.Cursor.Decode(Filter.Before, Filter.ByUserId);
        var after = before is null ? UserStatusQuery.Cursor.Decode(Filter.After, Filter.ByUserId) : null;
        var reverse = before is not null;
        var cursor = before ?? after;
        if (!Filter.ByUserId && Filter.SearchBranches(db.Subscribers.AsNoTracking(), templateId) is { } branches)
        {
            // Asked as one ordered query, the database walks the sort index and filters, which reads half a million
            // rows when the matches sit deep in the order. Instead each prefix range gives its own first page from a
            // covering index; the page is among their union, which the ordered read below then narrows exactly.
            var seqs = new List<long>();
            foreach (var branch in branches)
            {
                var ranged = cursor is null ? branch : Filter.Past(branch, cursor, reverse);
                seqs.AddRange(await Filter.Order(ranged, reverse).Take(UserStatusQuery.PageSize + 1)
                    .Select(s => s.Seq).ToListAsync(ct));
            }

            filtered = db.Subscribers.AsNoTracking()
                .Where(s => s.PartnerId == partnerId && s.TemplateId == templateId && seqs.Contains(s.Seq));
        }
        else if (!string.IsNullOrWhiteSpace(Filter.Q))
        {
            // Sorted by BroadWorks ID, or a portal reference: a search that matches few rows is found first, then
            // sorted; one matching many rows finds its page quickly in order, so it stays as it is.
            var candidates = await filtered.Select(s => s.Seq).Take(SearchCandidates + 1).ToListAsync(ct);
            if (candidates.Count <= SearchCandidates)
            {
                filtered = db.Subscribers.AsNoTracking()
                    .Where(s => s.PartnerId == partnerId && s.TemplateId == templateId && candidates.Contains(s.Seq));
            }
        }

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
}
