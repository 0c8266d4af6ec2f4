using System.Globalization;
using Flowthrough.Data;
using Flowthrough.Subscribers;
using Flowthrough.Templates;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Flowthrough.PartnerHub.Users.BulkJobs;

/// <summary>
/// A bulk job's page: its progress (a progress bar with done, skipped and failed counts, kept up to date by
/// bulk-jobs.js polling the Progress handler, or by a plain reload), Cancel, and at the end the report the bulk page
/// shows for a small selection. Another partner's job is 404.
/// </summary>
public sealed class JobModel(FlowthroughDbContext db, BulkJobSignal signal, TimeProvider time,
    IStringLocalizer<BulkJobText> text, IStringLocalizer<BulkText> bulkText) : PageModel
{
    public OnboardingTemplate Template { get; private set; } = null!;

    public BulkJob Job { get; private set; } = null!;

    public BulkReport Report { get; private set; } = null!;

    public string? StartedBy { get; private set; }

    public string ActionLabel => Label(Job, bulkText);

    public string StatusText => text[$"Status_{Job.Status}"];

    public string DoneText => text["Count_Done", Job.Done];

    public string SkippedText => text["Count_Skipped", Job.Skipped];

    public string FailedText => text["Count_Failed", Job.Failed];

    public string TotalText => text["Count_Total", Job.Total];

    public async Task<IActionResult> OnGetAsync(Guid id, Guid jobId)
    {
        if (!await LoadAsync(id, jobId))
        {
            return NotFound();
        }

        StartedBy = await db.PartnerAdmins.AsNoTracking().Where(a => a.Id == Job.AdminId).Select(a => a.Email)
            .FirstOrDefaultAsync(HttpContext.RequestAborted);
        return Page();
    }

    /// <summary>The progress as JSON for the page's script: the counts and their words in the viewer's language.</summary>
    public async Task<IActionResult> OnGetProgressAsync(Guid id, Guid jobId)
    {
        if (!await LoadAsync(id, jobId))
        {
            return NotFound();
        }

        Response.Headers.CacheControl = "no-store";
        return new JsonResult(new
        {
            status = Job.Status.ToString(),
            active = Job.IsActive,
            total = Job.Total,
            processed = Job.Processed,
            done = Job.Done,
            skipped = Job.Skipped,
            failed = Job.Failed,
            statusText = StatusText,
            doneText = DoneText,
            skippedText = SkippedText,
            failedText = FailedText,
            percentText = Percent(Job),
            progressText = text["Col_ProgressValue", Job.Processed, Job.Total].Value,
        });
    }

    public async Task<IActionResult> OnPostCancelAsync(Guid id, Guid jobId)
    {
        if (!await LoadAsync(id, jobId))
        {
            return NotFound();
        }

        var now = time.GetUtcNow().UtcDateTime;
        if (await BulkJobCommands.CancelAsync(db, User.PartnerId(), Job.Id, now, HttpContext.RequestAborted))
        {
            AdminAudit.Record(db, User, BulkJobAudit.Cancelled, BulkJobAudit.Target(Template.Id), now,
                new { job = Job.Id, processed = Job.Processed, total = Job.Total });
            await db.SaveChangesAsync(HttpContext.RequestAborted);
            signal.Notify();
            TempData["StatusMessage"] = text["Cancel_Requested"].Value;
        }
        else
        {
            TempData["StatusMessage"] = text["Cancel_AlreadyEnded"].Value;
        }

        return RedirectToPage(new { id = Template.Id, jobId = Job.Id });
    }

    private async Task<bool> LoadAsync(Guid id, Guid jobId)
    {
        var partnerId = User.PartnerId();
        var template = await db.Templates.FindOwnAsync(partnerId, id, HttpContext.RequestAborted);
        var job = template is null
            ? null
            : await db.BulkJobs.AsNoTracking().FirstOrDefaultAsync(
                j => j.Id == jobId && j.PartnerId == partnerId && j.TemplateId == id, HttpContext.RequestAborted);
        if (template is null || job is null)
        {
            return false;
        }

        Template = template;
        Job = job;
        Report = BulkReport.Of(job);
        return true;
    }

    /// <summary>How far the job is, as the progress bar's text: whole per cent of the rows handled.</summary>
    public static string Percent(BulkJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var share = job.Total == 0 ? 1.0 : Math.Min(1.0, (double)job.Processed / job.Total);
        return share.ToString("P0", CultureInfo.CurrentCulture);
    }

    /// <summary>The action in the words of the bulk page (Retry Activation, Change Package Type to …, Delete User).</summary>
    public static string Label(BulkJob job, IStringLocalizer<BulkText> bulkText)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(bulkText);
        return job.Action switch
        {
            BulkAction.Retry => bulkText["Action_Retry"],
            // Package names read the same in both languages (the glossary): the enum's name is the label.
            BulkAction.Package => bulkText["Action_Package", job.Package?.ToString() ?? ""],
            _ => bulkText["Action_Delete"],
        };
    }

    public static string Time(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
}
