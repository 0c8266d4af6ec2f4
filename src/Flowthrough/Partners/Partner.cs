namespace Flowthrough.Partners;

/// <summary>The tenant boundary: every query is filtered by partner.</summary>
public sealed class Partner
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Name { get; set; }
    public DateTime Created { get; set; }
}

public enum PartnerAdminRole
{
    FullAdmin,
    ReadOnly,
}

public sealed class PartnerAdmin
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid PartnerId { get; set; }
    public required string Email { get; set; }

    /// <summary>Null while the admin is invited and has not set a password yet (pending): such an admin cannot sign in.</summary>
    public string? PasswordHash { get; set; }

    public PartnerAdminRole Role { get; set; }
    public DateTime Created { get; set; }
    public DateTime? LastSignInAt { get; set; }

    public bool IsPending => PasswordHash is null;
}

/// <summary>
/// A set-password link of an invited admin (or one the create-admin command printed): single use, expiring, only
/// the SHA-256 of its token stored. A new invitation for the same admin replaces the old link.
/// </summary>
public sealed class AdminInvitation
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid AdminId { get; set; }
    public required string TokenHash { get; set; }
    public DateTime Created { get; set; }
    public DateTime ExpiresAt { get; set; }
    public DateTime? UsedAt { get; set; }
}

public sealed class AdminAuditEvent
{
    public long Id { get; set; }
    public Guid PartnerId { get; set; }
    public Guid? AdminId { get; set; }
    public DateTime At { get; set; }
    public required string Action { get; set; }
    public required string Target { get; set; }
    public string? Data { get; set; }
}
