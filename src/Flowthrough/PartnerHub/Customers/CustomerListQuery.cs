using System.Text;
using System.Text.Json;
using Flowthrough.Data;
using Flowthrough.Provisioning;
using Flowthrough.Subscribers;
using Microsoft.EntityFrameworkCore;
using Microsoft.AspNetCore.WebUtilities;

namespace Flowthrough.PartnerHub.Customers;

/// <summary>One organisation on the Customers page, with its template and first administrator.</summary>
public sealed record CustomerRow(
    Guid Id,
    string Name,
    string SpEnterpriseId,
    Guid TemplateId,
    string? TemplateName,
    DateTime Created,
    Guid? FirstAdminId,
    string? FirstAdminUserId,
    string? FirstAdminName,
    bool FirstAdminProvisioned);

/// <summary>How many of an enterprise's users are in one status.</summary>
public sealed record EnterpriseStatusCount(string SpEnterpriseId, SubscriberStatus Status, int Count);

/// <summary>
/// The Customers page's search and keyset paging over one partner's organisations, in name order. Every query is
/// bounded by partner and runs on the (PartnerId, Name, SpEnterpriseId) index: a page is a range read of at most
/// <see cref="PageSize"/> + 1 rows after (or before) the cursor, with no OFFSET and no COUNT.
/// </summary>
public sealed class CustomerListQuery
{
    public const int PageSize = 25;

    /// <summary>Sorts after every character a name holds, so [term, term + PrefixEnd) is "starts with term".</summary>
    private const string PrefixEnd = "\uffff";

    /// <summary>Search: the beginning of the organisation's name or of its spEnterpriseId.</summary>
    public string? Q { get; init; }

    // The string calls below are translated to SQL (<, >, =), where culture and StringComparison overloads do not
    // exist; the analyzers' advice is for strings in memory.
#pragma warning disable CA1304, CA1309, CA1311, CA1862

    /// <summary>The partner's organisations that match the search, in no particular order.</summary>
    public IQueryable<CustomerOrganization> Filter(IQueryable<CustomerOrganization> organizations, Guid partnerId)
    {
        ArgumentNullException.ThrowIfNull(organizations);
        var query = organizations.Where(o => o.PartnerId == partnerId);
        var term = Q?.Trim();
        if (string.IsNullOrEmpty(term))
        {
            return query;
        }

        // Prefix ranges, so each branch reads its index ((PartnerId, Name, …) or (PartnerId, SpEnterpriseId)) and
        // never the partner's whole list; a name matches with its first letter as typed, capital or small.
        var termEnd = term + PrefixEnd;
        var capital = char.ToUpperInvariant(term[0]) + term[1..];
        var capitalEnd = capital + PrefixEnd;
        var small = char.ToLowerInvariant(term[0]) + term[1..];
        var smallEnd = small + PrefixEnd;
        return query.Where(o => (string.Compare(o.Name, capital) >= 0 && string.Compare(o.Name, capitalEnd) < 0)
            || (string.Compare(o.Name, small) >= 0 && string.Compare(o.Name, smallEnd) < 0)
            || (string.Compare(o.SpEnterpriseId, term) >= 0 && string.Compare(o.SpEnterpriseId, termEnd) < 0));
    }

    /// <summary>Organisations strictly after <paramref name="cursor"/> in name order (before it when reversed).</summary>
    public static IQueryable<CustomerOrganization> Past(IQueryable<CustomerOrganization> query, Cursor cursor, bool reverse)
    {
        ArgumentNullException.ThrowIfNull(cursor);
        var (name, key) = (cursor.Name, cursor.SpEnterpriseId);
        return reverse
            ? query.Where(o => string.Compare(o.Name, name) < 0
                || (o.Name == name && string.Compare(o.SpEnterpriseId, key) < 0))
            : query.Where(o => string.Compare(o.Name, name) > 0
                || (o.Name == name && string.Compare(o.SpEnterpriseId, key) > 0));
    }

#pragma warning restore CA1304, CA1309, CA1311, CA1862

    /// <summary>
    /// The rows of <paramref name="organizations"/> in name order (reversed when walking back), each with its template
    /// and first administrator joined (left joins on primary keys, so a page is one query).
    /// </summary>
    public static IQueryable<CustomerRow> Page(FlowthroughDbContext db, IQueryable<CustomerOrganization> organizations,
        Guid partnerId, bool reverse)
    {
        ArgumentNullException.ThrowIfNull(db);
        var joined =
            from o in organizations
            join t in db.Templates.AsNoTracking().Where(t => t.PartnerId == partnerId) on o.TemplateId equals t.Id into ts
            from t in ts.DefaultIfEmpty()
            join s in db.Subscribers.AsNoTracking().Where(s => s.PartnerId == partnerId)
                on o.FirstUserSubscriberId equals (Guid?)s.Id into ss
            from s in ss.DefaultIfEmpty()
            select new { Organization = o, Template = t, Admin = s };
        // Name order; spEnterpriseId (unique per partner) breaks ties, so the order is total and the cursor exact.
        var ordered = reverse
            ? joined.OrderByDescending(x => x.Organization.Name).ThenByDescending(x => x.Organization.SpEnterpriseId)
            : joined.OrderBy(x => x.Organization.Name).ThenBy(x => x.Organization.SpEnterpriseId);
        return ordered.Select(x => new CustomerRow(x.Organization.Id, x.Organization.Name, x.Organization.SpEnterpriseId,
            x.Organization.TemplateId, x.Template == null ? null : x.Template.Name, x.Organization.Created,
            x.Admin == null ? null : x.Admin.Id, x.Admin == null ? null : x.Admin.UserId,
            x.Admin == null ? null : x.Admin.FirstName + " " + x.Admin.LastName, x.Organization.FirstUserProvisioned));
    }

    /// <summary>
    /// The users of a page's enterprises per status: one grouped read of the (PartnerId, SpEnterpriseId, Status) index,
    /// never a query per organisation. An organisation's users are the partner's subscribers of its enterprise.
    /// </summary>
    public static IQueryable<EnterpriseStatusCount> UsersPerStatus(IQueryable<Subscriber> subscribers, Guid partnerId,
        IReadOnlyCollection<string> enterprises) =>
        subscribers.Where(s => s.PartnerId == partnerId && enterprises.Contains(s.SpEnterpriseId))
            .GroupBy(s => new { s.SpEnterpriseId, s.Status })
            .Select(g => new EnterpriseStatusCount(g.Key.SpEnterpriseId, g.Key.Status, g.Count()));

    /// <summary>The page's link to another position with the search kept.</summary>
    public string Link(string? after = null, string? before = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["q"] = string.IsNullOrWhiteSpace(Q) ? null : Q.Trim(),
            ["after"] = after,
            ["before"] = before,
        }.Where(p => p.Value is not null).ToList();
        return values.Count == 0 ? "/partner/customers" : QueryHelpers.AddQueryString("/partner/customers", values);
    }

    /// <summary>A position in name order, opaque in URLs.</summary>
    public sealed record Cursor(string Name, string SpEnterpriseId)
    {
        public string Encode() => WebEncoders.Base64UrlEncode(JsonSerializer.SerializeToUtf8Bytes(new[] { Name, SpEnterpriseId }));

        /// <summary>Null for a missing or tampered cursor: the list starts over.</summary>
        public static Cursor? Decode(string? token)
        {
            if (string.IsNullOrEmpty(token))
            {
                return null;
            }

            try
            {
                var parts = JsonSerializer.Deserialize<string[]>(Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(token)));
                return parts is [{ } name, { } key] ? new Cursor(name, key) : null;
            }
            catch (Exception e) when (e is FormatException or JsonException)
            {
                return null;
            }
        }
    }
}
