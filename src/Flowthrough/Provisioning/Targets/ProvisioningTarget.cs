namespace Flowthrough.Provisioning.Targets;

public enum TargetKind
{
    /// <summary>Flowthrough's own People and Organizations tables: the embedded default.</summary>
    BuiltInDirectory,
    Scim,
}

public enum TargetAuthentication
{
    BearerToken,
    OAuthClientCredentials,
}

/// <summary>How a subscriber's package shows in the identity service.</summary>
public enum PackageMode
{
    /// <summary>Membership of one SCIM Group per package per customer organisation, created on demand.</summary>
    Group,

    /// <summary>A custom attribute (<see cref="ProvisioningTarget.PackageAttribute"/>) holding the package name.</summary>
    Attribute,
}

/// <summary>How a customer organisation shows in the identity service.</summary>
public enum OrganizationMode
{
    /// <summary>A SCIM Group per customer organisation, named after it, which its users are members of.</summary>
    Group,

    /// <summary>Each customer has its own SCIM endpoint: <c>{spEnterpriseId}</c> in the base URL names it.</summary>
    BaseUrlPerCustomer,
}

/// <summary>What Delete User and a flow-through removal do to the user in the identity service.</summary>
public enum RemovalMode
{
    Deactivate,
    Delete,
}

/// <summary>
/// A partner's identity service that templates provision into. Secrets are stored protected by ASP.NET Core Data
/// Protection (<see cref="TargetSecrets"/>) and are never shown again once saved.
/// </summary>
public sealed class ProvisioningTarget
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid PartnerId { get; set; }
    public required string Name { get; set; }
    public TargetKind Kind { get; set; } = TargetKind.Scim;

    /// <summary>The SCIM base (…/scim/v2); with <see cref="OrganizationMode.BaseUrlPerCustomer"/> it holds <c>{spEnterpriseId}</c>.</summary>
    public string? BaseUrl { get; set; }

    public TargetAuthentication Authentication { get; set; } = TargetAuthentication.BearerToken;

    /// <summary>The bearer token, or the OAuth client secret, protected.</summary>
    public string? ProtectedSecret { get; set; }

    public string? TokenUrl { get; set; }
    public string? ClientId { get; set; }
    public string? Scope { get; set; }

    /// <summary>Attribute mapping, one <c>scimPath = source</c> per line; empty means <see cref="Scim.ScimMapping.Default"/>.</summary>
    public string? Mapping { get; set; }

    public PackageMode PackageMode { get; set; } = PackageMode.Group;
    public string? PackageAttribute { get; set; }
    public OrganizationMode OrganizationMode { get; set; } = OrganizationMode.Group;
    public RemovalMode RemovalMode { get; set; } = RemovalMode.Deactivate;

    public int TimeoutSeconds { get; set; } = 30;

    /// <summary>Requests in flight to this target from one node; the rest wait their turn.</summary>
    public int MaxConcurrency { get; set; } = 8;

    public DateTime Created { get; set; }

    /// <summary>Bumped on every save, so that a cached client built from older settings is rebuilt.</summary>
    public int Revision { get; set; }
}
