using Flowthrough.Data;
using Flowthrough.Subscribers;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.PartnerHub.Customers;

/// <summary>
/// The partner's customer organisations (top bar → Customers): who they are, how their users are doing, and the
/// way to each one's users in User Status. Two queries per page whatever its size: the page of organisations
/// (with template and first administrator joined) and one grouped count of their users by status.
/// </summary>
public sealed class IndexModel(FlowthroughDbContext db) : PageModel
{
    /// <summary>The status words of User Status, each with the statuses it covers.</summary>
    public static readonly IReadOnlyList<(string Word, string CssClass, SubscriberStatus[] Statuses)> StatusWords =
    [
        ("Status_Provisioned", "status-provisioned", [SubscriberStatus.Provisioned]),
        ("Status_Pending", "status-pending",
            [SubscriberStatus.PendingEmailInput, SubscriberStatus.PendingEmailValidation, SubscriberStatus.PendingUserMigration]),
        ("Status_Error", "status-error", [SubscriberStatus.Error]),
        ("Status_InProgress", "status-progress", [SubscriberStatus.Provisioning, SubscriberStatus.Updating]),
    ];

    public CustomerListQuery Filter { get; private set; } = new();

    public IReadOnlyList<CustomerRow> Rows { get; private set; } = [];

    /// <summary>spEnterpriseId → status → users; an organisation's users are the partner's subscribers of its enterprise.</summary>
    public IReadOnlyDictionary<string, Dictionary<SubscriberStatus, int>> Users { get; private set; } =
        new Dictionary<string, Dictionary<SubscriberStatus, int>>();

    public string? NextCursor { get; private set; }

    public string? PreviousCursor { get; private set; }

    /// <summary>User Status of the organisation's template, narrowed to this customer.</summary>
    public static string UserStatusLink(CustomerRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return $"/partner/templates/{row.TemplateId}/users?customer={row.Id}";
    }

    public int UsersOf(CustomerRow row, SubscriberStatus[] statuses)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(statuses);
        return Users.TryGetValue(row.SpEnterpriseId, out var counts) ? statuses.Sum(s => counts.GetValueOrDefault(s)) : 0;
    }

    public async Task OnGetAsync(string? q, string? after, string? before)
    {
        var cancel = HttpContext.RequestAborted;
        var partnerId = User.PartnerId();
        Filter = new CustomerListQuery { Q = q };
        var backwards = CustomerListQuery.Cursor.Decode(before);
        var forwards = backwards is null ? CustomerListQuery.Cursor.Decode(after) : null;
        var cursor = backwards ?? forwards;
        var reverse = backwards is not null;

        var organizations = Filter.Filter(db.Organizations.AsNoTracking(), partnerId);
        if (cursor is not null)
        {
            organizations = CustomerListQuery.Past(organizations, cursor, reverse);
        }

        var page = await CustomerListQuery.Page(db, organizations, partnerId, reverse)
            .Take(CustomerListQuery.PageSize + 1).ToListAsync(cancel);

        // One row past the page says whether there is more in the direction walked.
        var more = page.Count > CustomerListQuery.PageSize;
        var rows = page.Take(CustomerListQuery.PageSize).ToList();
        if (reverse)
        {
            rows.Reverse();
        }

        Rows = rows;
        if (rows.Count > 0)
        {
            var hasNext = reverse || more;
            var hasPrevious = reverse ? more : cursor is not null;
            NextCursor = hasNext ? new CustomerListQuery.Cursor(rows[^1].Name, rows[^1].SpEnterpriseId).Encode() : null;
            PreviousCursor = hasPrevious ? new CustomerListQuery.Cursor(rows[0].Name, rows[0].SpEnterpriseId).Encode() : null;
        }

        var enterprises = Rows.Select(r => r.SpEnterpriseId).ToList();
        if (enterprises.Count == 0)
        {
            return;
        }

        var counts = await CustomerListQuery.UsersPerStatus(db.Subscribers.AsNoTracking(), partnerId, enterprises)
            .ToListAsync(cancel);
        Users = counts.GroupBy(c => c.SpEnterpriseId)
            .ToDictionary(g => g.Key, g => g.ToDictionary(c => c.Status, c => c.Count));
    }
}
