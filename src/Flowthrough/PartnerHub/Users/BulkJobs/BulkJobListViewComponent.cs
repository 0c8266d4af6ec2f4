using Flowthrough.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.PartnerHub.Users.BulkJobs;

/// <summary>
/// A template's recent bulk jobs, newest first, each linking to its page: on a job's page all recent ones, on User
/// Status only those still running (nothing when none is).
/// </summary>
public sealed class BulkJobListViewComponent(FlowthroughDbContext db) : ViewComponent
{
    public const int Recent = 10;

    public async Task<IViewComponentResult> InvokeAsync(Guid templateId, bool activeOnly)
    {
        var partnerId = UserClaimsPrincipal.PartnerId();
        var jobs = db.BulkJobs.AsNoTracking().Where(j => j.PartnerId == partnerId && j.TemplateId == templateId);
        if (activeOnly)
        {
            jobs = jobs.Where(j => j.Status == BulkJobStatus.Queued || j.Status == BulkJobStatus.Running
                                   || j.Status == BulkJobStatus.Cancelling);
        }

        var list = await jobs.OrderByDescending(j => j.Created).Take(Recent).ToListAsync(HttpContext.RequestAborted);
        return View("/PartnerHub/Users/BulkJobs/_BulkJobList.cshtml", new BulkJobList(templateId, activeOnly, list));
    }
}

public sealed record BulkJobList(Guid TemplateId, bool ActiveOnly, IReadOnlyList<BulkJob> Jobs);
