using Flowthrough.Data;
using Flowthrough.Provisioning.Targets;
using Flowthrough.Provisioning.Targets.Scim;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Flowthrough.PartnerHub.Targets;

/// <summary>
/// Adds (<c>/partner/targets/new</c>) and edits (<c>/partner/targets/{id}</c>) a SCIM 2.0 provisioning target, and
/// Test connection, which reads the server's ServiceProviderConfig and Schemas with the settings as typed (the saved
/// secret when the field is left empty) without saving them. The secret is write-only: stored protected, never shown.
/// </summary>
public sealed class EditModel(FlowthroughDbContext db, TargetSecrets secrets, ProvisioningTargets targets, ScimServerProbe probe,
    TargetGates gates, TimeProvider time, IStringLocalizer<TargetsText> text) : PageModel
{
    /// <summary>The customer id Test connection fills into a base URL per customer when none is typed.</summary>
    public const string DefaultSampleEnterpriseId = "test";

    [BindProperty]
    public TargetInput Input { get; set; } = new();

    [BindProperty]
    public string? SampleEnterpriseId { get; set; }

    [TempData]
    public string? StatusMessage { get; set; }

    /// <summary>The target being edited; null on create.</summary>
    public ProvisioningTarget? Target { get; private set; }

    public IReadOnlyList<string> Templates { get; private set; } = [];

    public BreakerState State { get; private set; }

    public ScimProbe? Probe { get; private set; }

    /// <summary>The mapping writes the enterprise extension, and the server did not list it among its schemas.</summary>
    public bool EnterpriseExtensionMissing { get; private set; }

    public TargetFieldsView Fields => new(Input, Target?.ProtectedSecret is not null);

    public async Task<IActionResult> OnGetAsync(Guid? id)
    {
        if (id is not null)
        {
            if (await FindAsync(id.Value, tracked: false) is not { } target)
            {
                return NotFound();
            }

            await ShowAsync(target);
            Input = TargetInput.From(target);
        }

        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid? id)
    {
        ProvisioningTarget? target = null;
        if (id is not null)
        {
            if ((target = await FindAsync(id.Value, tracked: true)) is null)
            {
                return NotFound();
            }

            await ShowAsync(target);
        }

        Input.Validate(ModelState, nameof(Input), text, hasSavedSecret: target?.ProtectedSecret is not null);
        await CheckNameFreeAsync(target?.Id);
        var creating = target is null;
        if (!ModelState.IsValid)
        {
            Input.Secret = null;
            return Page();
        }

        target ??= db.ProvisioningTargets.Add(new ProvisioningTarget
        {
            PartnerId = User.PartnerId(),
            Name = "",
            Created = time.GetUtcNow().UtcDateTime,
        }).Entity;
        Input.ApplyTo(target, secrets);
        Input.Secret = null;
        db.ChangeTracker.DetectChanges();
        // Names of the changed fields only: the secret (even protected) never goes into the audit.
        var changed = db.Entry(target).Properties.Where(p => creating || p.IsModified).Select(p => p.Metadata.Name)
            .Where(n => n is not nameof(ProvisioningTarget.Id) and not nameof(ProvisioningTarget.PartnerId)
                and not nameof(ProvisioningTarget.Created) and not nameof(ProvisioningTarget.Revision))
            .Order(StringComparer.Ordinal).ToList();
        AdminAudit.Record(db, User, creating ? "target.create" : "target.update", target.Id.ToString(), time.GetUtcNow().UtcDateTime,
            new { target.Name, changed, target.BaseUrl, authentication = target.Authentication.ToString() });
        try
        {
            await db.SaveChangesAsync(HttpContext.RequestAborted);
        }
        catch (DbUpdateException)
        {
            // Another admin saved a target of that name between the check and this save (the unique index refused it).
            db.ChangeTracker.Clear();
            if (!await NameTakenAsync(target.Name, creating ? null : target.Id))
            {
                throw;
            }

            ModelState.AddModelError("Input.Name", text["Val_NameTaken"]);
            return Page();
        }

        StatusMessage = text[creating ? "Target_Created" : "Target_Saved", target.Name];
        return Redirect($"/partner/targets/{target.Id}");
    }

    /// <summary>Test connection: nothing is saved; the typed secret is used for this request only and never rendered back.</summary>
    public async Task<IActionResult> OnPostTestAsync(Guid? id)
    {
        ProvisioningTarget? target = null;
        if (id is not null)
        {
            if ((target = await FindAsync(id.Value, tracked: false)) is null)
            {
                return NotFound();
            }

            await ShowAsync(target);
        }

        Input.Validate(ModelState, nameof(Input), text, hasSavedSecret: target?.ProtectedSecret is not null);
        // A name is for saving; the connection does not need one.
        ModelState.Remove("Input.Name");
        if (!ModelState.IsValid)
        {
            Input.Secret = null;
            return Page();
        }

        var draft = Input.Draft(target, secrets);
        Input.Secret = null;
        if (draft.Name.Length == 0)
        {
            draft.Name = new Uri(draft.BaseUrl!).Host;
        }

        var settings = targets.Settings(draft);
        var sample = FormChecks.Clean(SampleEnterpriseId) ?? DefaultSampleEnterpriseId;
        Probe = await probe.ProbeAsync(settings, sample, HttpContext.RequestAborted);
        EnterpriseExtensionMissing = Probe.Features is { SchemaIds: not null } features
            && !features.HasSchema(ScimMapping.EnterpriseUserSchema)
            && settings.Mapping.Lines.Any(l => string.Equals(l.Path.Schema, ScimMapping.EnterpriseUserSchema, StringComparison.OrdinalIgnoreCase));
        return Page();
    }

    private async Task CheckNameFreeAsync(Guid? id)
    {
        if (FormChecks.Clean(Input.Name) is { } name && ModelState["Input.Name"] is not { Errors.Count: > 0 } && await NameTakenAsync(name, id))
        {
            ModelState.AddModelError("Input.Name", text["Val_NameTaken"]);
        }
    }

    private async Task<bool> NameTakenAsync(string name, Guid? except)
    {
        var partnerId = User.PartnerId();
        return await db.ProvisioningTargets.AsNoTracking()
            .AnyAsync(t => t.PartnerId == partnerId && t.Name == name && t.Id != except, HttpContext.RequestAborted);
    }

    private async Task ShowAsync(ProvisioningTarget target)
    {
        Target = target;
        State = gates.StateOf(target.Id);
        Templates = await TargetUse.TemplatesAsync(db, target.PartnerId, target.Id, HttpContext.RequestAborted);
    }

    private Task<ProvisioningTarget?> FindAsync(Guid id, bool tracked)
    {
        var partnerId = User.PartnerId();
        var query = tracked ? db.ProvisioningTargets : db.ProvisioningTargets.AsNoTracking();
        return query.FirstOrDefaultAsync(t => t.Id == id && t.PartnerId == partnerId && t.Kind == TargetKind.Scim, HttpContext.RequestAborted);
    }
}
