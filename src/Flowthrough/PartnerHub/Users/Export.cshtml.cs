using System.Globalization;
using System.Text;
using Flowthrough.Data;
using Flowthrough.Subscribers;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;

namespace Flowthrough.PartnerHub.Users;

/// <summary>
/// Export: every row the User Status filters match, all pages, as CSV. Rows are written as the database returns
/// them, so a million rows take no more memory than a hundred; the audit row records the count, never addresses.
/// </summary>
public sealed class ExportModel(FlowthroughDbContext db, TimeProvider time) : PageModel
{
    public static readonly IReadOnlyList<string> Header =
    [
        "BroadWorks ID", "First name", "Last name", "Email", "Package", "Status", "Error code", "Error text", "Created",
        "Last status change", "Attempts", "Next attempt", "Self-activated", "Customer",
    ];

    [BindProperty(SupportsGet = true)]
    public UserStatusQuery Filter { get; set; } = new();

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        var partnerId = User.PartnerId();
        var ct = HttpContext.RequestAborted;
        var template = await db.Templates.AsNoTracking().Where(t => t.Id == id && t.PartnerId == partnerId)
            .Select(t => new { t.Id, t.Name }).FirstOrDefaultAsync(ct);
        if (template is null)
        {
            return NotFound();
        }

        var now = time.GetUtcNow().UtcDateTime;
        var fileName = $"user-status-{Slug(template.Name)}-{now.ToString("yyyyMMdd-HHmm", CultureInfo.InvariantCulture)}.csv";
        Response.ContentType = "text/csv; charset=utf-8";
        Response.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment") { FileName = fileName }.ToString();
        Response.Headers.CacheControl = "no-store";

        await Filter.ResolveCustomerAsync(db, partnerId, ct);
        var rows = Filter.Order(Filter.Filter(db.Subscribers.AsNoTracking(), partnerId, template.Id))
            .Select(UserStatusQuery.ToRow).AsAsyncEnumerable();
        var count = 0;
        await using (var writer = new StreamWriter(Response.Body, CsvWriter.Utf8WithBom, bufferSize: 16 * 1024, leaveOpen: true))
        {
            var csv = new CsvWriter(writer);
            await csv.WriteRowAsync(Header, ct);
            await foreach (var row in rows.WithCancellation(ct))
            {
                await csv.WriteRowAsync(Fields(row), ct);
                count++;
            }

            await writer.FlushAsync(ct);
        }

        // The rows are out; the audit says how many and with which filters, never whose addresses.
        AdminAudit.Record(db, User, "export_users", $"template:{template.Id}", now, new
        {
            rows = count,
            q = Filter.Q is { Length: > 0 } ? "(search)" : null,
            status = Filter.Status,
            excludeProvisioned = Filter.Exclude,
            customer = Filter.Customer,
        });
        await db.SaveChangesAsync(CancellationToken.None);
        return new EmptyResult();
    }

    /// <summary>The CSV columns of one row; the error text is the catalogue's English text (a file outlives the UI language).</summary>
    public static IEnumerable<string?> Fields(UserStatusRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return
        [
            row.UserId, row.FirstName, row.LastName, row.Email, row.Package.ToWire(), row.Status.ToWire(),
            row.ErrorCode?.ToString(CultureInfo.InvariantCulture),
            row.ErrorCode is { } code && ErrorCatalog.Find(code) is { } error && row.ErrorReference is null
                ? error.English
                : row.ErrorDescription,
            SubscriberResponse.Timestamp(row.Created), SubscriberResponse.Timestamp(row.LastStatusChange),
            row.Attempts.ToString(CultureInfo.InvariantCulture),
            row.NextAttemptAt is { } next ? SubscriberResponse.Timestamp(next) : null,
            row.SelfActivated ? "true" : "false", row.SpEnterpriseId,
        ];
    }

    /// <summary>The template name as a file-name part: lower-case ASCII letters and digits joined by hyphens.</summary>
    public static string Slug(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var builder = new StringBuilder();
        foreach (var c in name.Replace('ł', 'l').Replace('Ł', 'L').Normalize(NormalizationForm.FormD))
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                builder.Append(char.ToLowerInvariant(c));
            }
            else if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark
                     && builder.Length > 0 && builder[^1] != '-')
            {
                builder.Append('-');
            }
        }

        var slug = builder.ToString().Trim('-');
        if (slug.Length > 60)
        {
            slug = slug[..60].TrimEnd('-');
        }

        return slug.Length == 0 ? "template" : slug;
    }
}
