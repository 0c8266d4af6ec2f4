using Flowthrough.Subscribers;

namespace Flowthrough.Templates;

public enum EmailTrust
{
    Trusted,
    Untrusted,
}

public enum AuthenticationMode
{
    BroadWorks,
    Webex,
}

/// <summary>A partner's onboarding ("customer") template: how subscribers arriving through it are provisioned.</summary>
public sealed class OnboardingTemplate : ISwitchable
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid PartnerId { get; set; }
    public Guid ClusterId { get; set; }

    /// <summary>Where its subscribers are provisioned; null = the built-in directory.</summary>
    public Guid? TargetId { get; set; }
    public required string Name { get; set; }

    /// <summary>Opaque identifier BroadWorks and API callers use to name this template.</summary>
    public required string ProvisioningId { get; set; }

    public required string ActivationSlug { get; set; }
    public bool FlowThroughEnabled { get; set; }
    public string? ProvisioningAccountName { get; set; }
    public string? ProvisioningPasswordHash { get; set; }
    public bool AutoCreateOrganizations { get; set; } = true;
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

    /// <summary>Named in the verification email so subscribers know who asked them to activate.</summary>
    public string? PartnerAdminName { get; set; }

    public bool AllowAdminInviteEmails { get; set; }

    /// <summary>Where subscribers reset a forgotten BroadWorks password; the portal links to it when set.</summary>
    public string? PasswordResetUrl { get; set; }
    public string DefaultLanguage { get; set; } = "en";
    public DateTime Created { get; set; }

    /// <summary>Switched off by an admin: takes no new users (see <see cref="TemplateAvailability"/>), keeps its data.</summary>
    public bool Disabled { get; set; }
}
