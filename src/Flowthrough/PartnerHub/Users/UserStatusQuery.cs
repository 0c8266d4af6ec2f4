using System.Globalization;
using System.Linq.Expressions;
using System.Text;
using System.Text.RegularExpressions;
using Flowthrough.Data;
using Flowthrough.Provisioning;
using Flowthrough.Subscribers;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.PartnerHub.Users;

/// <summary>One row of the User Status view and of its export.</summary>
public sealed record UserStatusRow(
    Guid Id,
    long Seq,
    string UserId,
    string FirstName,
    string LastName,
    string? Email,
    bool EmailTrusted,
    SubscriberPackage Package,
    SubscriberStatus Status,
    DateTime Created,
    DateTime LastStatusChange,
    int Attempts,
    DateTime? NextAttemptAt,
    int? ErrorCode,
    string? ErrorDescription,
    string? ErrorReference,
    bool SelfActivated,
    string SpEnterpriseId,
    int Version)
{
    public string Name => $"{FirstName} {LastName}";

    /// <summary>How an admin names the user in messages: name and BroadWorks ID.</summary>
    public string Label => $"{FirstName} {LastName} ({UserId})";
}

/// <summary>
/// The view's filters (search, status, Exclude provisioned users, sort) and keyset paging. Every query is bounded by
/// partner and template, so it runs on the (PartnerId, TemplateId, Seq) index, or (PartnerId, Status, Seq) when a
/// status is chosen; a page is a range read of at most <see cref="PageSize"/> + 1 rows after the cursor: no OFFSET
/// and no COUNT per page.
/// </summary>
public sealed partial class UserStatusQuery
{
    public const int PageSize = 50;

    public const string SortChanged = "changed";
    public const string SortUserId = "userid";

    /// <summary>Status filter values: the UI words' groups and each exact API status.</summary>
    public const string Pending = "pending";
    public const string InProgress = "in_progress";

    /// <summary>Search: BroadWorks ID prefix, name prefix, email prefix, or a portal reference FT-XXXXXXXX.</summary>
    public string? Q { get; set; }

    public string? Status { get; set; }

    /// <summary>Exclude provisioned users (Additional view options).</summary>
    public bool Exclude { get; set; }

    public string? Sort { get; set; }

    public string? Dir { get; set; }

    /// <summary>
    /// Customer: the id of a customer organisation of this partner. Rows are the template's subscribers with that
    /// organisation's spEnterpriseId (pending ones included, which belong to no organisation yet). Call
    /// <see cref="ResolveCustomerAsync"/> before <see cref="Filter"/>.
    /// </summary>
    public Guid? Customer { get; set; }

    /// <summary>
    /// The chosen customer's spEnterpriseId once resolved; null while unresolved or unknown. Never bound from a request,
    /// but kept when a bulk job stores the filter as JSON, so the job matches what the admin saw.
    /// </summary>
    [BindNever]
    public string? CustomerEnterpriseId { get; set; }

    /// <summary>Cursor: the page starts after this row (Next).</summary>
    public string? After { get; set; }

    /// <summary>Cursor: the page ends before this row (Previous).</summary>
    public string? Before { get; set; }

    /// <summary>The row projection shared by the view and the export.</summary>
    public static readonly Expression<Func<Subscriber, UserStatusRow>> ToRow = s => new UserStatusRow(
        s.Id, s.Seq, s.UserId, s.FirstName, s.LastName, s.Email, s.EmailTrusted, s.Package, s.Status, s.Created,
        s.LastStatusChange, s.Attempts, s.NextAttemptAt, s.ErrorCode, s.ErrorDescription, s.ErrorReference, s.SelfActivated,
        s.SpEnterpriseId, s.Version);

    public bool ByUserId => string.Equals(Sort, SortUserId, StringComparison.Ordinal);

    public bool Ascending => string.Equals(Dir, "asc", StringComparison.Ordinal);

    [GeneratedRegex("^FT-([0-9A-Fa-f]{8})$")]
    private static partial Regex ReferencePattern();

    /// <summary>The statuses the status filter and the toggle leave in; null when every status is in.</summary>
    public IReadOnlyList<SubscriberStatus>? Statuses()
    {
        IEnumerable<SubscriberStatus>? chosen = Status switch
        {
            null or "" => null,
            Pending => [SubscriberStatus.PendingEmailInput, SubscriberStatus.PendingEmailValidation,
                SubscriberStatus.PendingUserMigration],
            InProgress => [SubscriberStatus.Provisioning, SubscriberStatus.Updating],
            _ when WireValues.TryParseStatus(Status, out var one) => [one],
            _ => null,
        };
        if (Exclude)
        {
            chosen = (chosen ?? Enum.GetValues<SubscriberStatus>()).Where(s => s != SubscriberStatus.Provisioned);
        }

        return chosen?.ToList();
    }

    // The string calls below are translated to SQL (lower(), LIKE, <, >), where culture and StringComparison overloads
    // do not exist; the analyzers' advice is for strings in memory.
#pragma warning disable CA1304, CA1309, CA1311, CA1862

    /// <summary>
    /// Looks up the <see cref="Customer"/> filter among the partner's organisations; returns it (for the chip), or
    /// null when none is chosen or it is not this partner's.
    /// </summary>
    public async Task<CustomerOrganization?> ResolveCustomerAsync(FlowthroughDbContext db, Guid partnerId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (Customer is not { } customer)
        {
            return null;
        }

        var organization = await db.Organizations.AsNoTracking()
            .FirstOrDefaultAsync(o => o.Id == customer && o.PartnerId == partnerId, cancellationToken);
        CustomerEnterpriseId = organization?.SpEnterpriseId;
        return organization;
    }

    /// <summary>The filtered rows of one template, in no particular order.</summary>
    public IQueryable<Subscriber> Filter(IQueryable<Subscriber> subscribers, Guid partnerId, Guid templateId)
    {
        ArgumentNullException.ThrowIfNull(subscribers);
        var query = Narrow(subscribers.Where(s => s.PartnerId == partnerId && s.TemplateId == templateId));
        var term = Q?.Trim();
        if (string.IsNullOrEmpty(term))
        {
            return query;
        }

        if (ReferencePattern().Match(term) is { Success: true } reference)
        {
            // The reference is the id's last 8 hex digits (MeModel.ReferenceOf); the same in both text forms.
            var suffix = reference.Groups[1].Value.ToLowerInvariant();
            return query.Where(s => s.Id.ToString().ToLower().EndsWith(suffix));
        }

        return query.Where(AnyOf(SearchRanges(term)));
    }

    /// <summary>
    /// The search as one query per prefix range, each with the other filters: every range reads its own
    /// (TemplateId, column, LastStatusChange, Seq) index alone, so the newest matches of each are a short covering read
    /// even when 100,000 rows match deep in the order. Null for no search or a portal reference. The partner is left
    /// out so the read stays inside the index: call it only for a template already checked to be the partner's, and
    /// read the rows it finds through <see cref="Filter"/>.
    /// </summary>
    public IReadOnlyList<IQueryable<Subscriber>>? SearchBranches(IQueryable<Subscriber> subscribers, Guid templateId)
    {
        ArgumentNullException.ThrowIfNull(subscribers);
        var term = Q?.Trim();
        if (string.IsNullOrEmpty(term) || ReferencePattern().IsMatch(term))
        {
            return null;
        }

        var template = Narrow(subscribers.Where(s => s.TemplateId == templateId));
        return [.. SearchRanges(term).Select(range => template.Where(range))];
    }

    /// <summary>The customer and status filters.</summary>
    private IQueryable<Subscriber> Narrow(IQueryable<Subscriber> query)
    {
        if (Customer is not null)
        {
            // An unknown customer, or one a caller forgot to resolve, matches nothing: a filtered view or a bulk
            // action on "all matching" never reaches more rows than the admin chose.
            var enterprise = CustomerEnterpriseId;
            query = enterprise is null ? query.Where(s => false) : query.Where(s => s.SpEnterpriseId == enterprise);
        }

        if (Statuses() is { } statuses)
        {
            query = statuses.Count == 1
                ? query.Where(s => s.Status == statuses[0])
                : query.Where(s => statuses.Contains(s.Status));
        }

        return query;
    }

    /// <summary>
    /// Every branch is a prefix range on an index of the template ((TemplateId, column, ...)), so a search reads only
    /// the rows that match, never the whole template: no LIKE (SQLite's is case-insensitive and skips the index) and no
    /// lower() on the column. Names match as typed or with a capital first letter.
    /// </summary>
    private static List<Expression<Func<Subscriber, bool>>> SearchRanges(string term)
    {
        var lower = term.ToLowerInvariant();
        var lowerEnd = lower + PrefixEnd;
        var termEnd = term + PrefixEnd;
        if (term.Contains('@', StringComparison.Ordinal))
        {
            return
            [
                s => string.Compare(s.UserId, term) >= 0 && string.Compare(s.UserId, termEnd) < 0,
                s => string.Compare(s.NormalizedEmail, lower) >= 0 && string.Compare(s.NormalizedEmail, lowerEnd) < 0,
            ];
        }

        var capital = Capitalize(term);
        var capitalEnd = capital + PrefixEnd;
        var space = term.IndexOf(' ', StringComparison.Ordinal);
        if (space > 0)
        {
            var first = Capitalize(term[..space]);
            var last = Capitalize(term[(space + 1)..].Trim());
            var lastEnd = last + PrefixEnd;
            return [s => s.FirstName == first && string.Compare(s.LastName, last) >= 0 && string.Compare(s.LastName, lastEnd) < 0];
        }

        List<Expression<Func<Subscriber, bool>>> ranges =
        [
            s => string.Compare(s.UserId, term) >= 0 && string.Compare(s.UserId, termEnd) < 0,
            s => string.Compare(s.NormalizedEmail, lower) >= 0 && string.Compare(s.NormalizedEmail, lowerEnd) < 0,
            s => string.Compare(s.LastName, term) >= 0 && string.Compare(s.LastName, termEnd) < 0,
            s => string.Compare(s.FirstName, term) >= 0 && string.Compare(s.FirstName, termEnd) < 0,
        ];
        if (!string.Equals(capital, term, StringComparison.Ordinal))
        {
            ranges.Add(s => string.Compare(s.LastName, capital) >= 0 && string.Compare(s.LastName, capitalEnd) < 0);
            ranges.Add(s => string.Compare(s.FirstName, capital) >= 0 && string.Compare(s.FirstName, capitalEnd) < 0);
        }

        return ranges;
    }

    /// <summary>The ranges joined with OR, over one parameter.</summary>
    private static Expression<Func<Subscriber, bool>> AnyOf(List<Expression<Func<Subscriber, bool>>> ranges)
    {
        var parameter = ranges[0].Parameters[0];
        var body = ranges[0].Body;
        foreach (var range in ranges.Skip(1))
        {
            body = Expression.OrElse(body, new Rebind(range.Parameters[0], parameter).Visit(range.Body));
        }

        return Expression.Lambda<Func<Subscriber, bool>>(body, parameter);
    }

    private sealed class Rebind(ParameterExpression from, ParameterExpression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : node;
    }

    /// <summary>Sorts after every character a name or address holds, so [term, term + PrefixEnd) is "starts with term".</summary>
    private const string PrefixEnd = "\uffff";

    private static string Capitalize(string value) =>
        value.Length == 0 ? value : char.ToUpperInvariant(value[0]) + value[1..].ToLowerInvariant();

    /// <summary>The view's order; <paramref name="reverse"/> walks backwards from a Previous cursor.</summary>
    public IQueryable<Subscriber> Order(IQueryable<Subscriber> query, bool reverse = false)
    {
        var ascending = Ascending != reverse;
        if (ByUserId)
        {
            // BroadWorks IDs are unique per partner ((PartnerId, UserId) index): the ID alone is a total order.
            return ascending ? query.OrderBy(s => s.UserId) : query.OrderByDescending(s => s.UserId);
        }

        return ascending
            ? query.OrderBy(s => s.LastStatusChange).ThenBy(s => s.Seq)
            : query.OrderByDescending(s => s.LastStatusChange).ThenByDescending(s => s.Seq);
    }

    /// <summary>Rows strictly past <paramref name="cursor"/> in the view's order (or before it when reversed).</summary>
    public IQueryable<Subscriber> Past(IQueryable<Subscriber> query, Cursor cursor, bool reverse)
    {
        ArgumentNullException.ThrowIfNull(cursor);
        var forward = Ascending != reverse;
        if (ByUserId)
        {
            var id = cursor.Key;
            return forward
                ? query.Where(s => string.Compare(s.UserId, id) > 0)
                : query.Where(s => string.Compare(s.UserId, id) < 0);
        }

        var at = new DateTime(long.Parse(cursor.Key, CultureInfo.InvariantCulture), DateTimeKind.Utc);
        var seq = cursor.Seq;
        // The plain bound repeats the OR's so that PostgreSQL reads an index range from the cursor on, as SQLite
        // already does, instead of walking the index from its start: an export pages through a million rows this way.
        return forward
            ? query.Where(s => s.LastStatusChange >= at && (s.LastStatusChange > at || s.Seq > seq))
            : query.Where(s => s.LastStatusChange <= at && (s.LastStatusChange < at || s.Seq < seq));
    }

#pragma warning restore CA1304, CA1309, CA1311, CA1862

    public Cursor CursorOf(UserStatusRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return CursorOf(row.UserId, row.LastStatusChange, row.Seq);
    }

    public Cursor CursorOf(string userId, DateTime lastStatusChange, long seq) =>
        new(ByUserId ? userId : lastStatusChange.Ticks.ToString(CultureInfo.InvariantCulture), seq);

    /// <summary>The query string of this view with the given cursor (or none): links and redirects keep the filters.</summary>
    public Dictionary<string, string?> RouteValues(string? after = null, string? before = null) => new()
    {
        ["q"] = string.IsNullOrWhiteSpace(Q) ? null : Q,
        ["status"] = string.IsNullOrEmpty(Status) ? null : Status,
        ["exclude"] = Exclude ? "true" : null,
        ["sort"] = string.IsNullOrEmpty(Sort) ? null : Sort,
        ["dir"] = string.IsNullOrEmpty(Dir) ? null : Dir,
        ["customer"] = Customer?.ToString(),
        ["after"] = after,
        ["before"] = before,
    };

    public string QueryString(string? after = null, string? before = null)
    {
        var values = RouteValues(after, before).Where(p => p.Value is not null).ToList();
        return values.Count == 0 ? "" : QueryHelpers.AddQueryString("", values);
    }

    /// <summary>A position in the order: the sort key and Seq of the row, opaque in URLs.</summary>
    public sealed record Cursor(string Key, long Seq)
    {
        public string Encode() =>
            WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes($"{Seq.ToString(CultureInfo.InvariantCulture)}|{Key}"));

        public static Cursor? Decode(string? token, bool byUserId)
        {
            if (string.IsNullOrEmpty(token))
            {
                return null;
            }

            try
            {
                var text = Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(token));
                var bar = text.IndexOf('|', StringComparison.Ordinal);
                if (bar < 1 || !long.TryParse(text.AsSpan(0, bar), NumberStyles.None, CultureInfo.InvariantCulture,
                        out var seq))
                {
                    return null;
                }

                var key = text[(bar + 1)..];
                // A cursor from the other sort order is not a position in this one: start over.
                return byUserId || long.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out _)
                    ? new Cursor(key, seq)
                    : null;
            }
            catch (FormatException)
            {
                return null;
            }
        }
    }
}
