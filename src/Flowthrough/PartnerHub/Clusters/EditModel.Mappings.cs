using Flowthrough.Clusters;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.PartnerHub.Clusters;

/// <summary>
/// The mappings of the cluster page: which template the users of a service provider (or enterprise), or of one of its
/// groups, are synced into. Only the partner's own templates on this cluster can be chosen.
/// </summary>
public sealed partial class EditModel
{
    public sealed record MappingRow(Guid Id, string ServiceProviderId, string? GroupId, Guid TemplateId, string Template);

    public sealed record TemplateOption(Guid Id, string Name);

    [BindProperty]
    public MappingInput Mapping { get; set; } = new();

    public IReadOnlyList<MappingRow> Mappings { get; private set; } = [];

    public IReadOnlyList<TemplateOption> ClusterTemplates { get; private set; } = [];

    public async Task<IActionResult> OnPostAddMappingAsync(Guid id)
    {
        if (await FindAsync(id, tracked: false) is not { } cluster)
        {
            return NotFound();
        }

        await ShowAsync(cluster);
        Mapping.Validate(ModelState, nameof(Mapping), syncText, [.. ClusterTemplates.Select(t => t.Id)]);
        if (ModelState.IsValid && await MappedAsync(Mapping.ToMapping(cluster.Id)))
        {
            ModelState.AddModelError($"{nameof(Mapping)}.{nameof(MappingInput.ServiceProviderId)}", syncText["Val_MappingTaken"]);
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        var mapping = db.ClusterMappings.Add(Mapping.ToMapping(cluster.Id)).Entity;
        var template = ClusterTemplates.Single(t => t.Id == mapping.TemplateId).Name;
        AdminAudit.Record(db, User, "cluster.mapping.add", cluster.Id.ToString(), time.GetUtcNow().UtcDateTime,
            new { mapping.ServiceProviderId, mapping.GroupId, mapping.TemplateId, template });
        try
        {
            await db.SaveChangesAsync(HttpContext.RequestAborted);
        }
        catch (DbUpdateException)
        {
            // Another admin added the same mapping between the check and this save (the unique index refused it).
            db.ChangeTracker.Clear();
            if (!await MappedAsync(mapping))
            {
                throw;
            }

            ModelState.AddModelError($"{nameof(Mapping)}.{nameof(MappingInput.ServiceProviderId)}", syncText["Val_MappingTaken"]);
            return Page();
        }

        StatusMessage = syncText["Mapping_Added", Describe(mapping.ServiceProviderId, mapping.GroupId), template];
        return Redirect($"/partner/clusters/{cluster.Id}#mappings-title");
    }

    public async Task<IActionResult> OnPostRemoveMappingAsync(Guid id, Guid mappingId)
    {
        if (await FindAsync(id, tracked: false) is not { } cluster)
        {
            return NotFound();
        }

        // A mapping of another cluster (or partner) is not found here, as if it did not exist.
        if (await db.ClusterMappings.FirstOrDefaultAsync(m => m.Id == mappingId && m.ClusterId == cluster.Id, HttpContext.RequestAborted)
            is { } mapping)
        {
            db.ClusterMappings.Remove(mapping);
            AdminAudit.Record(db, User, "cluster.mapping.remove", cluster.Id.ToString(), time.GetUtcNow().UtcDateTime,
                new { mapping.ServiceProviderId, mapping.GroupId, mapping.TemplateId });
            await db.SaveChangesAsync(HttpContext.RequestAborted);
            StatusMessage = syncText["Mapping_Removed", Describe(mapping.ServiceProviderId, mapping.GroupId)];
        }

        // Removed twice (two tabs, a double click): the same page, nothing to say.
        return Redirect($"/partner/clusters/{cluster.Id}#mappings-title");
    }

    /// <summary>"SP" or "SP / group", as the table and the status line name a mapping.</summary>
    public string Describe(string serviceProviderId, string? groupId) =>
        groupId is null ? syncText["Mapping_AllGroupsOf", serviceProviderId] : $"{serviceProviderId} / {groupId}";

    private Task<bool> MappedAsync(ClusterMapping mapping) =>
        db.ClusterMappings.AsNoTracking().AnyAsync(m => m.ClusterId == mapping.ClusterId
            && m.ServiceProviderId == mapping.ServiceProviderId && m.GroupId == mapping.GroupId, HttpContext.RequestAborted);

    private async Task LoadMappingsAsync(BroadWorksCluster cluster)
    {
        var ct = HttpContext.RequestAborted;
        ClusterTemplates = await db.Templates.AsNoTracking()
            .Where(t => t.PartnerId == cluster.PartnerId && t.ClusterId == cluster.Id)
            .OrderBy(t => t.Name).Select(t => new TemplateOption(t.Id, t.Name)).ToListAsync(ct);
        Mappings = await (from m in db.ClusterMappings.AsNoTracking()
                          join t in db.Templates.AsNoTracking() on m.TemplateId equals t.Id
                          where m.ClusterId == cluster.Id
                          orderby m.ServiceProviderId, m.GroupId
                          select new MappingRow(m.Id, m.ServiceProviderId, m.GroupId, m.TemplateId, t.Name)).ToListAsync(ct);
    }
}
