using Flowthrough.Subscribers;

namespace Flowthrough.Provisioning.Targets;

/// <summary>
/// An identity service Flowthrough provisions users into. Every call may go over the network: the engine makes
/// them outside database transactions and records the outcome afterwards. Calls are idempotent where the protocol
/// allows, and creation is always preceded by a look-up by external id (the subscriber id) and user name, so an
/// attempt repeated after a crash finds the user the first one made.
/// </summary>
public interface IProvisioningTarget
{
    Task<TargetUser?> FindByExternalIdAsync(TargetOrganization organization, string externalId, CancellationToken cancellationToken);

    Task<TargetUser?> FindByUserNameAsync(TargetOrganization organization, string userName, CancellationToken cancellationToken);

    /// <exception cref="TargetConflictException">A user with that user name exists already.</exception>
    Task<TargetUser> CreateAsync(TargetOrganization organization, TargetUserData user, CancellationToken cancellationToken);

    /// <summary>Writes every mapped attribute (and the organisation) of an existing user, activating it.</summary>
    Task<TargetUser> UpdateAsync(TargetOrganization organization, string id, TargetUserData user, CancellationToken cancellationToken);

    /// <summary>Gives the user the package and takes away the organisation's other packages.</summary>
    Task SetPackageAsync(TargetOrganization organization, TargetUser user, SubscriberPackage package, bool userIsNew,
        CancellationToken cancellationToken);

    Task DeactivateAsync(TargetOrganization organization, string id, CancellationToken cancellationToken);

    /// <summary>Deletes the user; a user already gone is not an error.</summary>
    Task DeleteAsync(TargetOrganization organization, string id, CancellationToken cancellationToken);

    /// <summary>Every user of the organisation, for reconciliation.</summary>
    IAsyncEnumerable<TargetUser> ListAsync(TargetOrganization organization, CancellationToken cancellationToken);

    /// <summary>The attributes <paramref name="user"/> should have, keyed as <see cref="TargetUser.Attributes"/>.</summary>
    IReadOnlyDictionary<string, string?> Describe(TargetUserData user);
}

/// <summary>The customer organisation as the target sees it: our row, and the key users carry for it.</summary>
public sealed record TargetOrganization(Guid Id, string SpEnterpriseId, string Name);

/// <summary>What Flowthrough sends for a subscriber; the target's mapping decides how it is written.</summary>
public sealed record TargetUserData(
    string ExternalId,
    string UserName,
    string Email,
    string? GivenName,
    string? FamilyName,
    string? PrimaryPhone,
    string? MobilePhone,
    string? Extension,
    string? Language,
    string? Timezone,
    string UserId,
    string Organization,
    SubscriberPackage Package,
    bool OrganizationAdmin)
{
    public static TargetUserData From(Subscriber subscriber, TargetOrganization organization, bool organizationAdmin)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        ArgumentNullException.ThrowIfNull(organization);
        var email = subscriber.Email ?? throw new InvalidOperationException("A subscriber without an email cannot be provisioned.");
        return new TargetUserData(subscriber.Id.ToString(), email, email, Blank(subscriber.FirstName), Blank(subscriber.LastName),
            subscriber.PrimaryPhoneNumber, subscriber.MobilePhoneNumber, subscriber.Extension, subscriber.Language,
            subscriber.Timezone, subscriber.UserId, organization.Name, subscriber.Package, organizationAdmin);
    }

    private static string? Blank(string value) => string.IsNullOrWhiteSpace(value) ? null : value;
}

/// <summary>A user as the target holds it.</summary>
/// <param name="Organization">The organisation the user belongs to (its key as the target stores it); null for none.</param>
/// <param name="Attributes">The mapped attributes as read back, by mapping path, for reconciliation.</param>
public sealed record TargetUser(
    string Id,
    string? ExternalId,
    string UserName,
    bool Active,
    string? Organization,
    IReadOnlyDictionary<string, string?> Attributes);

/// <summary>What the last call to the target answered, for the subscriber's timeline.</summary>
public sealed record TargetCall(string Target, int? Status, string? TraceId);
