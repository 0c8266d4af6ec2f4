namespace Flowthrough.Provisioning;

/// <summary>The cloud customer organisation a subscriber's enterprise maps to.</summary>
public sealed class CustomerOrganization
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid PartnerId { get; set; }
    public Guid TemplateId { get; set; }
    public required string SpEnterpriseId { get; set; }
    public required string Name { get; set; }

    /// <summary>The subscriber who becomes the organisation's administrator (Provision Admin First waits for them).</summary>
    public Guid? FirstUserSubscriberId { get; set; }

    public bool FirstUserProvisioned { get; set; }
    public DateTime Created { get; set; }
}

/// <summary>
/// A cloud identity. <see cref="OrganizationId"/> is null for a consumer (free) account, which can only be
/// moved into a customer organisation with its owner's consent.
/// </summary>
public sealed class Person
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid? OrganizationId { get; set; }
    public required string Email { get; set; }

    /// <summary>Lower-invariant email: the unique, case-insensitive key.</summary>
    public required string NormalizedEmail { get; set; }

    public string? FirstName { get; set; }
    public string? LastName { get; set; }
    public Subscribers.SubscriberPackage? Package { get; set; }
    public bool IsOrganizationAdmin { get; set; }

    /// <summary>The subscriber id the engine created or linked this person for: the crash-safe look-up key.</summary>
    public string? ExternalId { get; set; }

    /// <summary>False once Delete User deactivated the person (removal mode Deactivate).</summary>
    public bool Active { get; set; } = true;

    public DateTime Created { get; set; }
}
