using Microsoft.AspNetCore.Mvc;

namespace Flowthrough.PartnerHub.Clusters;

/// <summary>
/// The OCI-P section of the cluster page: save the settings (the password write-only, stored protected, never
/// audited), and Test connection (OCI-P) with the settings as typed, without saving them.
/// </summary>
public sealed partial class EditModel
{
    [BindProperty]
    public OcipInput Ocip { get; set; } = new();

    public OcipTestResult? OcipResult { get; private set; }

    public async Task<IActionResult> OnPostOcipAsync(Guid id)
    {
        if (await FindAsync(id, tracked: true) is not { } cluster)
        {
            return NotFound();
        }

        var typedPassword = !string.IsNullOrEmpty(Ocip.Password);
        await ShowAsync(cluster, keepOcip: true);
        Ocip.Validate(ModelState, nameof(Ocip), syncText, hasSavedPassword: cluster.OcipPasswordProtected is not null);
        if (!ModelState.IsValid)
        {
            Ocip.Password = null;
            return Page();
        }

        var removed = Ocip.Clears;
        Ocip.ApplyTo(cluster, secrets, time.GetUtcNow().UtcDateTime);
        Ocip.Password = null;
        // The password, even protected, never goes into the audit: only whether it changed.
        AdminAudit.Record(db, User, removed ? "cluster.ocip.remove" : "cluster.ocip.update", cluster.Id.ToString(),
            time.GetUtcNow().UtcDateTime, new
            {
                cluster.Name, host = cluster.OcipHost, port = cluster.OcipPort, transport = cluster.OcipTransport.ToString(),
                userId = cluster.OcipUserId, passwordChanged = typedPassword && !removed,
                certificateSha256 = cluster.OcipCertificateSha256, syncIntervalMinutes = cluster.SyncIntervalMinutes,
            });
        await db.SaveChangesAsync(HttpContext.RequestAborted);
        StatusMessage = syncText[removed ? "Ocip_Removed" : "Ocip_Saved", cluster.Name];
        return Redirect($"/partner/clusters/{cluster.Id}");
    }

    /// <summary>Test connection (OCI-P): nothing is saved; a typed password is used for this request only.</summary>
    public async Task<IActionResult> OnPostOcipTestAsync(Guid id)
    {
        if (await FindAsync(id, tracked: false) is not { } cluster)
        {
            return NotFound();
        }

        await ShowAsync(cluster, keepOcip: true);
        Ocip.Remove = false;
        if (Ocip.Clears)
        {
            Ocip.Password = null;
            ModelState.AddModelError($"{nameof(Ocip)}.{nameof(OcipInput.Host)}", syncText["Val_HostRequired"]);
            return Page();
        }

        Ocip.Validate(ModelState, nameof(Ocip), syncText, hasSavedPassword: cluster.OcipPasswordProtected is not null);
        // The interval is for saving; the connection does not need one.
        ModelState.Remove($"{nameof(Ocip)}.{nameof(OcipInput.SyncIntervalMinutes)}");
        if (!ModelState.IsValid)
        {
            Ocip.Password = null;
            return Page();
        }

        var settings = Ocip.Draft(cluster, secrets);
        Ocip.Password = null;
        if (settings is null)
        {
            // A saved password the keys can no longer read (Data Protection keys lost): it must be typed again.
            ModelState.AddModelError($"{nameof(Ocip)}.{nameof(OcipInput.Password)}", syncText["Val_PasswordRequired"]);
            return Page();
        }

        OcipResult = await ocipTest.RunAsync(settings, syncText, HttpContext.RequestAborted);
        return Page();
    }
}
