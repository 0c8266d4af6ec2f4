namespace Flowthrough.Email;

public enum OutboxStatus
{
    Queued,
    Sending,
    Sent,
    Failed,
    Abandoned,
}

public enum EmailKind
{
    Verification,
    ConsentMove,
    Reminder,

    /// <summary>A partner admin's invitation to Partner Hub, with a set-password link.</summary>
    AdminInvitation,
}

/// <summary>
/// A message to send, written in the same transaction as the change that causes it. <see cref="DedupeKey"/> is
/// unique, so a retried transition can never queue the same mail twice. <see cref="Html"/> and <see cref="Text"/>
/// (which hold codes and link tokens) are emptied once the message is Sent or Abandoned (<see cref="OutboxRelay"/>).
/// </summary>
public sealed class OutboxMessage
{
    public long Id { get; set; }
    public Guid? SubscriberId { get; set; }
    public Guid? PartnerId { get; set; }
    public required string To { get; set; }
    public EmailKind Kind { get; set; }
    public required string Language { get; set; }
    public required string Subject { get; set; }
    public required string Html { get; set; }
    public required string Text { get; set; }
    public OutboxStatus Status { get; set; }
    public int Attempts { get; set; }
    public DateTime Created { get; set; }
    public DateTime? NextAttemptAt { get; set; }
    public string? LastError { get; set; }
    public DateTime? LeaseUntil { get; set; }
    public DateTime? SentAt { get; set; }
    public required string DedupeKey { get; set; }

    /// <summary>The trace context that queued the message; the relay's send continues it.</summary>
    public string? TraceParent { get; set; }
}

public enum VerificationPurpose
{
    Verify,
    ConsentMove,
}

/// <summary>A code and link token sent to an address; both stored hashed and usable once.</summary>
public sealed class EmailVerification
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid SubscriberId { get; set; }
    public required string Email { get; set; }
    public string? CodeHash { get; set; }
    public required string LinkTokenHash { get; set; }
    public DateTime Created { get; set; }
    public DateTime ExpiresAt { get; set; }
    public int Attempts { get; set; }
    public DateTime? UsedAt { get; set; }
    public VerificationPurpose Purpose { get; set; }
}
