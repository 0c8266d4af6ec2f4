using Flowthrough.BroadWorks;
using Flowthrough.Clusters;
using Flowthrough.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Flowthrough.PartnerHub.Clusters;

/// <summary>
/// One BroadWorks cluster: its settings, and Test connection, which signs a BroadWorks user in through the cluster's
/// Xsi-Actions URL. The test password is used for that one request: never stored, logged or rendered back.
/// OCI-P settings, group mappings and the sync box are the other parts of this class (EditModel.*.cs).
/// </summary>
public sealed partial class EditModel(FlowthroughDbContext db, XsiActionsClient xsi, TimeProvider time,
    IStringLocalizer<ConfigText> config, Flowthrough.Templates.TemplateLifecycle lifecycle, IStringLocalizer<LifecycleText> text,
    ClusterSecrets secrets, OcipConnectionTest ocipTest, IStringLocalizer<ClusterSyncText> syncText) : PageModel
{
    /// <summary>Disable or enable the cluster: its templates take no new users while disabled (TemplateAvailability).</summary>
    public Task<IActionResult> OnPostAvailabilityAsync(Guid id, bool disabled) =>
        Switching.ApplyAsync<BroadWorksCluster>(this, lifecycle, time, text, "cluster", id, disabled, $"/partner/clusters/{id}");

    public enum TestOutcome
    {
        Valid,
        Rejected,
        Unreachable,
    }

    [BindProperty]
    public ClusterInput Input { get; set; } = new();

    [BindProperty]
    public TestInput Test { get; set; } = new();

    [TempData]
    public string? StatusMessage { get; set; }

    public BroadWorksCluster Cluster { get; private set; } = null!;

    public TestOutcome? Outcome { get; private set; }

    public string? OutcomeText { get; private set; }

    public sealed class TestInput
    {
        public string? UserId { get; set; }
        public string? Password { get; set; }
    }

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        if (await FindAsync(id, tracked: false) is not { } cluster)
        {
            return NotFound();
        }

        await ShowAsync(cluster);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id)
    {
        if (await FindAsync(id, tracked: true) is not { } cluster)
        {
            return NotFound();
        }

        await ShowAsync(cluster, keepInput: true);
        Input.Validate(ModelState, nameof(Input), config);
        if (!ModelState.IsValid)
        {
            return Page();
        }

        Input.ApplyTo(cluster);
        db.ChangeTracker.DetectChanges();
        var changed = db.Entry(cluster).Properties.Where(p => p.IsModified).Select(p => p.Metadata.Name).ToList();
        AdminAudit.Record(db, User, "cluster.update", cluster.Id.ToString(), time.GetUtcNow().UtcDateTime,
            new { cluster.Name, changed, cluster.XsiActionsUrl, cluster.AuthServiceUrl, cluster.DirectAuth });
        await db.SaveChangesAsync(HttpContext.RequestAborted);
        StatusMessage = ClusterInput.LooksLikeXsiActions(cluster.XsiActionsUrl)
            ? config["Cluster_Saved", cluster.Name]
            : $"{config["Cluster_Saved", cluster.Name]} {config["Warn_XsiSuffix", ClusterInput.XsiActionsSuffix]}";
        return Redirect($"/partner/clusters/{cluster.Id}");
    }

    public async Task<IActionResult> OnPostTestAsync(Guid id)
    {
        if (await FindAsync(id, tracked: false) is not { } cluster)
        {
            return NotFound();
        }

        await ShowAsync(cluster);
        var userId = FormChecks.Clean(Test.UserId);
        var password = Test.Password;
        Test.Password = null;
        if (userId is null || string.IsNullOrEmpty(password))
        {
            ModelState.AddModelError(string.Empty, config["Test_Required"]);
            return Page();
        }

        var result = await xsi.GetProfileAsync(cluster.XsiActionsUrl, userId, password, HttpContext.RequestAborted);
        (Outcome, OutcomeText) = result switch
        {
            XsiLoginResult.Valid valid => (TestOutcome.Valid, config["Test_Valid", DisplayName(valid.Profile)].Value),
            XsiLoginResult.Invalid => (TestOutcome.Rejected, config["Test_Rejected"].Value),
            XsiLoginResult.Unavailable unavailable => (TestOutcome.Unreachable, config["Test_Unreachable", unavailable.Reason].Value),
            _ => throw new InvalidOperationException($"Unknown Xsi result {result}."),
        };
        return Page();
    }

    private static string DisplayName(XsiProfile profile) =>
        string.Join(' ', new[] { profile.FirstName, profile.LastName }.Where(n => !string.IsNullOrWhiteSpace(n))) is { Length: > 0 } name
            ? name
            : profile.UserId;

    /// <summary>
    /// Fills every section of the page from the saved cluster; <paramref name="keepInput"/> keeps the posted fields
    /// of the Xsi settings form (a failed save of that form shows what was typed).
    /// </summary>
    private async Task ShowAsync(BroadWorksCluster cluster, bool keepInput = false, bool keepOcip = false)
    {
        Cluster = cluster;
        if (!keepInput)
        {
            Input = ClusterInput.From(cluster);
        }

        if (!keepOcip)
        {
            Ocip = OcipInput.From(cluster);
        }

        await LoadMappingsAsync(cluster);
        await LoadSyncAsync(cluster);
    }

    private Task<BroadWorksCluster?> FindAsync(Guid id, bool tracked)
    {
        var partnerId = User.PartnerId();
        var query = tracked ? db.Clusters : db.Clusters.AsNoTracking();
        return query.FirstOrDefaultAsync(c => c.Id == id && c.PartnerId == partnerId, HttpContext.RequestAborted);
    }
}
