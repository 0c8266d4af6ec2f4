using System.Globalization;
using System.Linq.Expressions;
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
        var filtered = Filter.Filter(db.Subscribers.AsNoTracking(), partnerId, template.Id);
        var count = 0;
        await using (var writer = new StreamWriter(Response.Body, CsvWriter.Utf8WithBom, bufferSize: 64 * 1024, leaveOpen: true))
        using (var csv = new CsvWriter(writer))
        {
            await csv.WriteRowAsync(Header, ct);
            // Keyset pages in the view's order: each read is a short index range after the last row written, so no
            // read transaction stays open for the whole file and nothing is buffered beyond one chunk of text.
            UserStatusQuery.Cursor? cursor = null;
            while (true)
            {
                var page = cursor is null ? filtered : Filter.Past(filtered, cursor, reverse: false);
                var rows = Filter.Order(page).Take(PageRows).Select(ToExportRow).AsAsyncEnumerable();
                ExportRow? last = null;
                var read = 0;
                await foreach (var row in rows.WithCancellation(ct))
                {
                    Write(csv, row);
                    await csv.FlushIfFullAsync(ct);
                    last = row;
                    read++;
                }

                count += read;
                if (read < PageRows)
                {
                    break;
                }

                cursor = Filter.CursorOf(last!.UserId, last.LastStatusChange, last.Seq);
            }

            await csv.FlushAsync(ct);
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

    /// <summary>Rows read per keyset page; a page is one short query, the file streams across pages.</summary>
    public const int PageRows = 2000;

    /// <summary>Only the columns the file and the cursor need, read without change tracking.</summary>
    private sealed record ExportRow(
        long Seq, string UserId, string FirstName, string LastName, string? Email, SubscriberPackage Package,
        SubscriberStatus Status, int? ErrorCode, string? ErrorDescription, string? ErrorReference, DateTime Created,
        DateTime LastStatusChange, int Attempts, DateTime? NextAttemptAt, bool SelfActivated, string SpEnterpriseId);

    private static readonly Expression<Func<Subscriber, ExportRow>> ToExportRow = s => new ExportRow(
        s.Seq, s.UserId, s.FirstName, s.LastName, s.Email, s.Package, s.Status, s.ErrorCode, s.ErrorDescription,
        s.ErrorReference, s.Created, s.LastStatusChange, s.Attempts, s.NextAttemptAt, s.SelfActivated, s.SpEnterpriseId);

    /// <summary>The CSV columns of one row; the error text is the catalogue's English text (a file outlives the UI language).</summary>
    private static void Write(CsvWriter csv, ExportRow row)
    {
        csv.Add(row.UserId);
        csv.Add(row.FirstName);
        csv.Add(row.LastName);
        csv.Add(row.Email);
        csv.Add(row.Package.ToWire());
        csv.Add(row.Status.ToWire());
        if (row.ErrorCode is { } code)
        {
            csv.Add(code);
        }
        else
        {
            csv.Add(default(ReadOnlySpan<char>));
        }

        csv.Add(row.ErrorCode is { } known && ErrorCatalog.Find(known) is { } error && row.ErrorReference is null
            ? error.English
            : row.ErrorDescription);
        csv.AddTimestamp(row.Created);
        csv.AddTimestamp(row.LastStatusChange);
        csv.Add(row.Attempts);
        if (row.NextAttemptAt is { } next)
        {
            csv.AddTimestamp(next);
        }
        else
        {
            csv.Add(default(ReadOnlySpan<char>));
        }

        csv.Add(row.SelfActivated ? "true" : "false");
        csv.Add(row.SpEnterpriseId);
        csv.EndRow();
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
