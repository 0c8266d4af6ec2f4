using Flowthrough.Data;
using Flowthrough.Subscribers;
using Flowthrough.Templates;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Flowthrough.PartnerHub.Templates;

/// <summary>
/// Creates (<c>/partner/templates/new</c>) and edits (<c>/partner/templates/{id}/edit</c>) an onboarding template: every
/// field of the Partner Hub wizard in one form. The provisioning password is write-only: it is never rendered, an empty
/// field on edit keeps the stored one, and only its hash is stored.
/// </summary>
public sealed class EditModel(FlowthroughDbContext db, TimeProvider time, IStringLocalizer<ConfigText> config,
    IStringLocalizer<TargetsText> targetsText) : PageModel
{
    public const int NameLength = 200;
    public const int TextLength = 200;
    public const int EmailLength = 254;
    public const int UrlLength = 2000;
    public static readonly IReadOnlyList<string> Languages = ["pl", "en"];

    [BindProperty]
    public InputModel Input { get; set; } = new();

    [TempData]
    public string? StatusMessage { get; set; }

    /// <summary>The template being edited; null on create.</summary>
    public Guid? TemplateId { get; private set; }

    public string? TemplateName { get; private set; }

    /// <summary>Whether a provisioning password is stored (the form says "leave empty to keep it").</summary>
    public bool HasStoredPassword { get; private set; }

    public IReadOnlyList<(Guid Id, string Name)> Clusters { get; private set; } = [];

    /// <summary>The partner's provisioning targets; the built-in directory (no target) is offered beside them.</summary>
    public IReadOnlyList<(Guid Id, string Name)> Targets { get; private set; } = [];

    /// <summary>The form's fields. Booleans default to false because an unticked checkbox posts nothing.</summary>
    public sealed class InputModel
    {
        public string? Name { get; set; }
        public string? ClusterId { get; set; }

        /// <summary>Empty = the built-in directory.</summary>
        public string? TargetId { get; set; }
        public bool FlowThroughEnabled { get; set; }
        public string? ProvisioningAccountName { get; set; }
        public string? ProvisioningPassword { get; set; }
        public bool AutoCreateOrganizations { get; set; }
        public string? ServiceProviderEmail { get; set; }
        public bool EnterpriseMode { get; set; }
        public SubscriberPackage DefaultPackage { get; set; } = SubscriberPackage.Standard;
        public bool DisableFreeCalling { get; set; }
        public string? MeetingJoinConfiguration { get; set; }
        public EmailTrust EmailTrust { get; set; } = EmailTrust.Untrusted;
        public bool ProvisionAdminFirst { get; set; }
        public bool AllowSelfActivation { get; set; }
        public AuthenticationMode DefaultAuthenticationMode { get; set; } = AuthenticationMode.BroadWorks;
        public bool PrefillUserEmail { get; set; }
        public bool PhoneDirectorySync { get; set; }
        public string? PartnerAdminName { get; set; }
        public bool AllowAdminInviteEmails { get; set; }
        public string? DefaultLanguage { get; set; }
        public string? PasswordResetUrl { get; set; }

        public static InputModel From(OnboardingTemplate t) => new()
        {
            Name = t.Name,
            ClusterId = t.ClusterId.ToString(),
            TargetId = t.TargetId?.ToString(),
            FlowThroughEnabled = t.FlowThroughEnabled,
            ProvisioningAccountName = t.ProvisioningAccountName,
            AutoCreateOrganizations = t.AutoCreateOrganizations,
            ServiceProviderEmail = t.ServiceProviderEmail,
            EnterpriseMode = t.EnterpriseMode,
            DefaultPackage = t.DefaultPackage,
            DisableFreeCalling = t.DisableFreeCalling,
            MeetingJoinConfiguration = t.MeetingJoinConfiguration,
            EmailTrust = t.EmailTrust,
            ProvisionAdminFirst = t.ProvisionAdminFirst,
            AllowSelfActivation = t.AllowSelfActivation,
            DefaultAuthenticationMode = t.DefaultAuthenticationMode,
            PrefillUserEmail = t.PrefillUserEmail,
            PhoneDirectorySync = t.PhoneDirectorySync,
            PartnerAdminName = t.PartnerAdminName,
            AllowAdminInviteEmails = t.AllowAdminInviteEmails,
            DefaultLanguage = t.DefaultLanguage,
            PasswordResetUrl = t.PasswordResetUrl,
        };
    }

    public async Task<IActionResult> OnGetAsync(Guid? id)
    {
        if (id is null)
        {
            Input = new InputModel
            {
                AutoCreateOrganizations = true,
                DefaultLanguage = CultureLanguage(),
            };
        }
        else
        {
            var template = await FindAsync(id.Value, tracked: false);
            if (template is null)
            {
                return NotFound();
            }

            Show(template);
            Input = InputModel.From(template);
        }

        await LoadChoicesAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid? id)
    {
        OnboardingTemplate? template = null;
        if (id is not null)
        {
            template = await FindAsync(id.Value, tracked: true);
            if (template is null)
            {
                return NotFound();
            }

            Show(template);
        }

        var clusterId = await ValidateAsync(template);
        var targetId = await ValidateTargetAsync();
        var password = Input.ProvisioningPassword;
        // Never echoed back, whatever happens next.
        Input.ProvisioningPassword = null;
        if (!ModelState.IsValid)
        {
            await LoadChoicesAsync();
            return Page();
        }

        var now = time.GetUtcNow().UtcDateTime;
        var creating = template is null;
        if (template is null)
        {
            template = new OnboardingTemplate
            {
                PartnerId = User.PartnerId(),
                Name = "",
                ProvisioningId = await NewUniqueAsync(() => "pv-" + Secrets.NewToken(15), v => t => t.ProvisioningId == v),
                ActivationSlug = await NewUniqueAsync(() => Secrets.NewToken(12), v => t => t.ActivationSlug == v),
                Created = now,
            };
            db.Templates.Add(template);
        }

        Apply(template, clusterId!.Value, password);
        template.TargetId = targetId;
        db.ChangeTracker.DetectChanges();
        // Names of the changed fields only: never a value, so the password (or its hash) cannot leak into the audit.
        var changed = db.Entry(template).Properties.Where(p => creating || p.IsModified).Select(p => p.Metadata.Name)
            .Where(n => n is not nameof(OnboardingTemplate.Id) and not nameof(OnboardingTemplate.PartnerId)
                and not nameof(OnboardingTemplate.Created))
            .Order(StringComparer.Ordinal).ToList();
        AdminAudit.Record(db, User, creating ? "template.create" : "template.update", template.Id.ToString(), now,
            new { template.Name, changed });
        await db.SaveChangesAsync(HttpContext.RequestAborted);

        StatusMessage = creating ? config["Template_Created", template.Name] : config["Template_Saved", template.Name];
        return Redirect($"/partner/templates/{template.Id}");
    }

    private void Apply(OnboardingTemplate template, Guid clusterId, string? password)
    {
        template.Name = Input.Name!.Trim();
        template.ClusterId = clusterId;
        template.FlowThroughEnabled = Input.FlowThroughEnabled;
        template.ProvisioningAccountName = FormChecks.Clean(Input.ProvisioningAccountName);
        if (!string.IsNullOrEmpty(password))
        {
            template.ProvisioningPasswordHash = new PasswordHasher<OnboardingTemplate>().HashPassword(template, password);
        }

        template.AutoCreateOrganizations = Input.AutoCreateOrganizations;
        template.ServiceProviderEmail = FormChecks.Clean(Input.ServiceProviderEmail);
        template.EnterpriseMode = Input.EnterpriseMode;
        template.DefaultPackage = Input.DefaultPackage;
        template.DisableFreeCalling = Input.DisableFreeCalling;
        template.MeetingJoinConfiguration = FormChecks.Clean(Input.MeetingJoinConfiguration);
        template.EmailTrust = Input.EmailTrust;
        template.ProvisionAdminFirst = Input.ProvisionAdminFirst;
        template.AllowSelfActivation = Input.AllowSelfActivation;
        template.DefaultAuthenticationMode = Input.DefaultAuthenticationMode;
        template.PrefillUserEmail = Input.PrefillUserEmail;
        template.PhoneDirectorySync = Input.PhoneDirectorySync;
        template.PartnerAdminName = FormChecks.Clean(Input.PartnerAdminName);
        template.AllowAdminInviteEmails = Input.AllowAdminInviteEmails;
        template.DefaultLanguage = Input.DefaultLanguage!;
        template.PasswordResetUrl = FormChecks.Clean(Input.PasswordResetUrl);
    }

    /// <summary>Adds a message next to each wrong field; returns the cluster when it is one of the partner's.</summary>
    private async Task<Guid?> ValidateAsync(OnboardingTemplate? template)
    {
        var name = FormChecks.Clean(Input.Name);
        if (name is null)
        {
            ModelState.AddModelError("Input.Name", config["Val_NameRequired"]);
        }
        else if (name.Length > NameLength)
        {
            ModelState.AddModelError("Input.Name", config["Val_TooLong", NameLength]);
        }

        Guid? clusterId = null;
        if (FormChecks.Clean(Input.ClusterId) is not { } clusterText)
        {
            ModelState.AddModelError("Input.ClusterId", config["Val_ClusterRequired"]);
        }
        else
        {
            var partnerId = User.PartnerId();
            if (Guid.TryParse(clusterText, out var parsed)
                && await db.Clusters.AnyAsync(c => c.Id == parsed && c.PartnerId == partnerId, HttpContext.RequestAborted))
            {
                clusterId = parsed;
            }
            else
            {
                ModelState.AddModelError("Input.ClusterId", config["Val_ClusterUnknown"]);
            }
        }

        var account = FormChecks.Clean(Input.ProvisioningAccountName);
        if (account is { Length: > TextLength })
        {
            ModelState.AddModelError("Input.ProvisioningAccountName", config["Val_TooLong", TextLength]);
        }
        else if (Input.FlowThroughEnabled && account is null)
        {
            ModelState.AddModelError("Input.ProvisioningAccountName", config["Val_AccountRequired"]);
        }

        if (Input.ProvisioningPassword is { Length: > TextLength })
        {
            ModelState.AddModelError("Input.ProvisioningPassword", config["Val_TooLong", TextLength]);
        }
        else if (Input.FlowThroughEnabled && string.IsNullOrEmpty(Input.ProvisioningPassword)
                 && template?.ProvisioningPasswordHash is null)
        {
            ModelState.AddModelError("Input.ProvisioningPassword", config["Val_PasswordRequired"]);
        }

        if (FormChecks.Clean(Input.ServiceProviderEmail) is { } email
            && (email.Length > EmailLength || !FormChecks.IsEmail(email)))
        {
            ModelState.AddModelError("Input.ServiceProviderEmail", config["Val_Email"]);
        }

        CheckLength(nameof(InputModel.MeetingJoinConfiguration), Input.MeetingJoinConfiguration, TextLength);
        CheckLength(nameof(InputModel.PartnerAdminName), Input.PartnerAdminName, TextLength);

        if (Input.DefaultLanguage is null || !Languages.Contains(Input.DefaultLanguage))
        {
            ModelState.AddModelError("Input.DefaultLanguage", config["Val_Language"]);
        }

        if (FormChecks.Clean(Input.PasswordResetUrl) is { } url && (url.Length > UrlLength || !FormChecks.IsHttpUrl(url)))
        {
            ModelState.AddModelError("Input.PasswordResetUrl", config["Val_Url"]);
        }

        return clusterId;
    }

    /// <summary>The chosen target when it is one of the partner's; null for the built-in directory (or a refused choice).</summary>
    private async Task<Guid?> ValidateTargetAsync()
    {
        if (FormChecks.Clean(Input.TargetId) is not { } text)
        {
            return null;
        }

        var partnerId = User.PartnerId();
        if (Guid.TryParse(text, out var parsed)
            && await db.ProvisioningTargets.AnyAsync(t => t.Id == parsed && t.PartnerId == partnerId, HttpContext.RequestAborted))
        {
            return parsed;
        }

        ModelState.AddModelError("Input.TargetId", targetsText["Val_TargetUnknown"]);
        return null;
    }

    private void CheckLength(string field, string? value, int max)
    {
        if (FormChecks.Clean(value) is { Length: var length } && length > max)
        {
            ModelState.AddModelError($"Input.{field}", config["Val_TooLong", max]);
        }
    }

    private Task<OnboardingTemplate?> FindAsync(Guid id, bool tracked)
    {
        var partnerId = User.PartnerId();
        var query = tracked ? db.Templates : db.Templates.AsNoTracking();
        return query.FirstOrDefaultAsync(t => t.Id == id && t.PartnerId == partnerId, HttpContext.RequestAborted);
    }

    private void Show(OnboardingTemplate template)
    {
        TemplateId = template.Id;
        TemplateName = template.Name;
        HasStoredPassword = template.ProvisioningPasswordHash is not null;
    }

    private async Task LoadChoicesAsync()
    {
        var partnerId = User.PartnerId();
        var rows = await db.Clusters.AsNoTracking().Where(c => c.PartnerId == partnerId).OrderBy(c => c.Name)
            .Select(c => new { c.Id, c.Name }).ToListAsync(HttpContext.RequestAborted);
        Clusters = rows.Select(c => (c.Id, c.Name)).ToList();
        var targets = await db.ProvisioningTargets.AsNoTracking().Where(t => t.PartnerId == partnerId).OrderBy(t => t.Name)
            .Select(t => new { t.Id, t.Name }).ToListAsync(HttpContext.RequestAborted);
        Targets = targets.Select(t => (t.Id, t.Name)).ToList();
    }

    private async Task<string> NewUniqueAsync(Func<string> next,
        Func<string, System.Linq.Expressions.Expression<Func<OnboardingTemplate, bool>>> taken)
    {
        // Random enough that a clash is practically impossible; the check makes it certain.
        while (true)
        {
            var value = next();
            if (!await db.Templates.AnyAsync(taken(value), HttpContext.RequestAborted))
            {
                return value;
            }
        }
    }

    private static string CultureLanguage() =>
        System.Globalization.CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "pl" ? "pl" : "en";
}
