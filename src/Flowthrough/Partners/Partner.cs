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
    public required string PasswordHash { get; set; }
    public PartnerAdminRole Role { get; set; }
    public DateTime Created { get; set; }
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
