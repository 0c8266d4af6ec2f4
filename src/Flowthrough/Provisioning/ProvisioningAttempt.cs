using Flowthrough.Provisioning.Targets;
using Flowthrough.Subscribers;

namespace Flowthrough.Provisioning;

/// <summary>What one engine attempt for one subscriber came to, decided before anything is written.</summary>
public abstract record AttemptOutcome
{
    /// <summary>The target's name, last HTTP status and trace id, for the timeline (null when no call was made).</summary>
    public object? Target { get; init; }

    /// <summary>In the target now, with this id there.</summary>
    public sealed record Provisioned(string TargetUserId, Guid? PersonId, bool FirstUser) : AttemptOutcome;

    /// <summary>The email's user is outside the organisation: its owner must consent to the move.</summary>
    public sealed record NeedsConsent : AttemptOutcome;

    /// <summary>Provision Admin First: the organisation's first user is not in yet.</summary>
    public sealed record Held(Guid OrganizationId) : AttemptOutcome;

    /// <summary>A permanent failure: no retry helps until someone changes something.</summary>
    public sealed record Failed(ErrorDefinition Error, string? Description = null) : AttemptOutcome;

    /// <summary>The attempt threw: retried with backoff while attempts remain (see ProvisioningFailure).</summary>
    public sealed record Threw(Exception Exception) : AttemptOutcome;

    /// <summary>Nothing to do: the row moved on between the claim and the load.</summary>
    public sealed record Skipped : AttemptOutcome;
}

/// <summary>One claimed subscriber with what its attempt needs: its template, organisation and target.</summary>
public sealed record AttemptPlan(
    Subscriber Subscriber,
    Templates.OnboardingTemplate? Template,
    CustomerOrganization? Organization,
    ResolvedTarget Target)
{
    public TargetOrganization? TargetOrganization => Organization is null
        ? null
        : new TargetOrganization(Organization.Id, Organization.SpEnterpriseId, Organization.Name);
}
