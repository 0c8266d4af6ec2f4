using System.Text.Json;

namespace Flowthrough.Subscribers;

/// <summary>
/// The bridge record and API resource. Its status changes only through the transition methods below, each of
/// which checks the current status (DESIGN §3.3), stamps the change and records a timeline event.
/// </summary>
public sealed class Subscriber
{
    /// <summary>Insertion order: the keyset for paging, so a walk over pages is stable under concurrent inserts.</summary>
    public long Seq { get; set; }

    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid PartnerId { get; set; }
    public Guid TemplateId { get; set; }
    public required string ProvisioningId { get; set; }
    public required string UserId { get; set; }
    public required string SpEnterpriseId { get; set; }
    public required string FirstName { get; set; }
    public required string LastName { get; set; }
    public string? Email { get; private set; }
    public string? NormalizedEmail { get; private set; }

    /// <summary>True when the email came from a trusted source (API, trusted template, admin): no verification.</summary>
    public bool EmailTrusted { get; private set; }

    public string? PrimaryPhoneNumber { get; set; }
    public string? MobilePhoneNumber { get; set; }
    public string? Extension { get; set; }
    public SubscriberPackage Package { get; set; }
    public string? Language { get; set; }
    public string? Timezone { get; set; }
    public SubscriberStatus Status { get; private set; }
    public int? ErrorCode { get; private set; }
    public string? ErrorDescription { get; private set; }
    public DateTime Created { get; private set; }
    public DateTime LastStatusChange { get; private set; }
    public bool SelfActivated { get; private set; }
    public SubscriberSource Source { get; private set; }
    public Guid? PersonId { get; private set; }
    public Guid? OrganizationId { get; private set; }

    /// <summary>Engine attempts in the current provisioning run.</summary>
    public int Attempts { get; private set; }

    /// <summary>When the engine may next work on this subscriber; null while nothing is due.</summary>
    public DateTime? NextAttemptAt { get; private set; }

    /// <summary>A claim by an engine worker; an expired lease means the worker died and the job is due again.</summary>
    public DateTime? LeaseUntil { get; set; }

    public string? BlockedReason { get; private set; }

    /// <summary>When the owner of a consumer account agreed to move it into the customer organisation.</summary>
    public DateTime? MigrationConsentAt { get; private set; }

    /// <summary>Optimistic concurrency token, bumped on every change.</summary>
    public int Version { get; set; }

    public const string AwaitingFirstUser = "awaiting_first_user";

    private readonly List<SubscriberEvent> newEvents = [];

    /// <summary>Events raised since the entity was loaded; the DbContext saves them with the change.</summary>
    public IReadOnlyList<SubscriberEvent> NewEvents => newEvents;

    internal void ClearNewEvents() => newEvents.Clear();

    private Subscriber()
    {
    }

    public sealed record IntakeDetails(
        Guid PartnerId,
        Guid TemplateId,
        string ProvisioningId,
        string UserId,
        string SpEnterpriseId,
        string FirstName,
        string LastName,
        SubscriberPackage Package,
        string? Email,
        bool EmailTrusted,
        string? PrimaryPhoneNumber,
        string? MobilePhoneNumber,
        string? Extension,
        string? Language,
        string? Timezone,
        SubscriberSource Source);

    /// <summary>
    /// A new subscriber from the API, flow-through or self-activation. A trusted email goes straight to
    /// provisioning; anything else waits for the subscriber to enter and verify one.
    /// </summary>
    public static Subscriber Intake(IntakeDetails details, string actor, DateTime now)
    {
        var trusted = details.EmailTrusted && !string.IsNullOrWhiteSpace(details.Email)
            && details.Source != SubscriberSource.SelfActivation;
        var subscriber = new Subscriber
        {
            PartnerId = details.PartnerId,
            TemplateId = details.TemplateId,
            ProvisioningId = details.ProvisioningId,
            UserId = details.UserId,
            SpEnterpriseId = details.SpEnterpriseId,
            FirstName = details.FirstName,
            LastName = details.LastName,
            Package = details.Package,
            PrimaryPhoneNumber = details.PrimaryPhoneNumber,
            MobilePhoneNumber = details.MobilePhoneNumber,
            Extension = details.Extension,
            Language = details.Language,
            Timezone = details.Timezone,
            Source = details.Source,
            SelfActivated = details.Source == SubscriberSource.SelfActivation,
            Created = now,
            LastStatusChange = now,
        };
        if (!string.IsNullOrWhiteSpace(details.Email))
        {
            subscriber.SetEmail(details.Email, trusted);
        }

        subscriber.Status = trusted ? SubscriberStatus.Provisioning : SubscriberStatus.PendingEmailInput;
        if (trusted)
        {
            subscriber.NextAttemptAt = now;
        }

        subscriber.Record("intake", actor, now, from: null, new { source = details.Source.ToString(), trusted });
        return subscriber;
    }

    /// <summary>The subscriber entered an email address in the portal; a code and link are mailed next.</summary>
    public void SubmitEmail(string email, string actor, DateTime now)
    {
        Require(nameof(SubmitEmail), SubscriberStatus.PendingEmailInput, SubscriberStatus.PendingEmailValidation,
            SubscriberStatus.Error);
        SetEmail(email, trusted: false);
        ClearError();
        MoveTo(SubscriberStatus.PendingEmailValidation, "email_submitted", actor, now, new { email });
    }

    /// <summary>The correct code was entered, or the link confirmed by POST.</summary>
    public void ConfirmEmail(string actor, DateTime now)
    {
        Require(nameof(ConfirmEmail), SubscriberStatus.PendingEmailValidation);
        EmailTrusted = true;
        QueueForEngine(now);
        MoveTo(SubscriberStatus.Provisioning, "email_verified", actor, now);
    }

    /// <summary>The engine created or linked the person and set the licence.</summary>
    public void CompleteProvisioning(Guid personId, Guid organizationId, DateTime now)
    {
        Require(nameof(CompleteProvisioning), SubscriberStatus.Provisioning, SubscriberStatus.Updating);
        PersonId = personId;
        OrganizationId = organizationId;
        ClearError();
        ClearQueue();
        MoveTo(SubscriberStatus.Provisioned, "provisioned", Actors.Engine, now, new { personId, attempts = Attempts });
        Attempts = 0;
    }

    /// <summary>The email belongs to a consumer account; its owner must consent to the move.</summary>
    public void RequireUserMigration(DateTime now)
    {
        Require(nameof(RequireUserMigration), SubscriberStatus.Provisioning);
        ClearQueue();
        Attempts = 0;
        MoveTo(SubscriberStatus.PendingUserMigration, "consent_requested", Actors.Engine, now, new { email = Email });
    }

    public void ConfirmMigrationConsent(string actor, DateTime now)
    {
        Require(nameof(ConfirmMigrationConsent), SubscriberStatus.PendingUserMigration);
        MigrationConsentAt = now;
        QueueForEngine(now);
        MoveTo(SubscriberStatus.Provisioning, "consent_given", actor, now);
    }

    /// <summary>A permanent failure, or a transient one past the last attempt.</summary>
    public void Fail(int errorCode, string description, DateTime now)
    {
        Require(nameof(Fail), SubscriberStatus.Provisioning, SubscriberStatus.Updating);
        ErrorCode = errorCode;
        ErrorDescription = description;
        ClearQueue();
        MoveTo(SubscriberStatus.Error, "failed", Actors.Engine, now,
            new { errorCode, description, attempts = Attempts });
    }

    /// <summary>A transient failure with attempts left: stays in its status and is due again at <paramref name="nextAttemptAt"/>.</summary>
    public void ScheduleRetry(int errorCode, string description, DateTime nextAttemptAt, DateTime now)
    {
        Require(nameof(ScheduleRetry), SubscriberStatus.Provisioning, SubscriberStatus.Updating);
        ErrorCode = errorCode;
        ErrorDescription = description;
        NextAttemptAt = nextAttemptAt;
        LeaseUntil = null;
        Record("attempt_failed", Actors.Engine, now, Status,
            new { errorCode, description, attempt = Attempts, nextAttemptAt });
    }

    /// <summary>Counts an engine attempt; the count decides when transient failures become an error.</summary>
    public void BeginAttempt()
    {
        Require(nameof(BeginAttempt), SubscriberStatus.Provisioning, SubscriberStatus.Updating);
        Attempts++;
    }

    /// <summary>Provision Admin First: wait, without polling, until the organisation's first user is provisioned.</summary>
    public void HoldForFirstUser(Guid organizationId, DateTime now)
    {
        Require(nameof(HoldForFirstUser), SubscriberStatus.Provisioning);
        OrganizationId = organizationId;
        BlockedReason = AwaitingFirstUser;
        ClearQueue();
        Record("held", Actors.Engine, now, Status, new { reason = AwaitingFirstUser });
    }

    /// <summary>The organisation's first user is provisioned: a held subscriber is due at once.</summary>
    public void ReleaseHold(DateTime now)
    {
        if (Status != SubscriberStatus.Provisioning || BlockedReason is null)
        {
            throw new SubscriberTransitionException(Id, Status, nameof(ReleaseHold));
        }

        BlockedReason = null;
        NextAttemptAt = now;
        Record("released", Actors.Engine, now, Status);
    }

    /// <summary>Names, numbers, language or package changed; a provisioned subscriber is re-provisioned.</summary>
    public void ChangeDetails(string actor, DateTime now, object? changes)
    {
        if (Status == SubscriberStatus.Provisioned)
        {
            QueueForEngine(now);
            MoveTo(SubscriberStatus.Updating, "details_changed", actor, now, changes);
        }
        else
        {
            Record("details_changed", actor, now, Status, changes);
        }
    }

    /// <summary>An admin onboards the subscriber with an email they vouch for (treated as trusted).</summary>
    public void RetryActivation(string email, string actor, DateTime now)
    {
        if (Status != SubscriberStatus.Error && !Status.IsPending())
        {
            throw new SubscriberTransitionException(Id, Status, nameof(RetryActivation));
        }

        SetEmail(email, trusted: true);
        ClearError();
        QueueForEngine(now);
        MoveTo(SubscriberStatus.Provisioning, "retry_activation", actor, now, new { email });
    }

    /// <summary>
    /// The subscriber's "Try again" in the portal: back to email entry when the email was the problem,
    /// otherwise provisioning again.
    /// </summary>
    public void TryAgain(bool emailWasTheProblem, string actor, DateTime now)
    {
        Require(nameof(TryAgain), SubscriberStatus.Error);
        ClearError();
        if (emailWasTheProblem)
        {
            EmailTrusted = false;
            MoveTo(SubscriberStatus.PendingEmailInput, "try_again", actor, now);
        }
        else
        {
            QueueForEngine(now);
            MoveTo(SubscriberStatus.Provisioning, "try_again", actor, now);
        }
    }

    /// <summary>A wrong verification code: the timeline shows each one.</summary>
    public void RecordCodeFailed(int attempt, string actor, DateTime now)
    {
        Require(nameof(RecordCodeFailed), SubscriberStatus.PendingEmailValidation);
        Record("code_failed", actor, now, Status, new { attempt });
    }

    /// <summary>A portal event that changes no status (sign-in, lockout, resend): recorded on the timeline.</summary>
    public void RecordPortalEvent(string kind, string actor, DateTime now, object? data = null) =>
        Record(kind, actor, now, Status, data);

    /// <summary>The consent email went out again; only a subscriber waiting for consent gets one.</summary>
    public void RecordConsentResent(string actor, DateTime now)
    {
        Require(nameof(RecordConsentResent), SubscriberStatus.PendingUserMigration);
        Record("consent_resent", actor, now, Status);
    }

    /// <summary>Records the removal; the caller deletes the row. Allowed in every status.</summary>
    public void Remove(string actor, DateTime now) => Record("deleted", actor, now, Status, new { userId = UserId });

    private void SetEmail(string email, bool trusted)
    {
        Email = email.Trim();
        NormalizedEmail = NormalizeEmail(Email);
        EmailTrusted = trusted;
        MigrationConsentAt = null;
    }

    public static string NormalizeEmail(string email) => email.Trim().ToLowerInvariant();

    private void QueueForEngine(DateTime now)
    {
        Attempts = 0;
        BlockedReason = null;
        NextAttemptAt = now;
        LeaseUntil = null;
    }

    private void ClearQueue()
    {
        NextAttemptAt = null;
        LeaseUntil = null;
    }

    private void ClearError()
    {
        ErrorCode = null;
        ErrorDescription = null;
    }

    private void Require(string transition, params ReadOnlySpan<SubscriberStatus> allowed)
    {
        foreach (var status in allowed)
        {
            if (Status == status)
            {
                return;
            }
        }

        throw new SubscriberTransitionException(Id, Status, transition);
    }

    private void MoveTo(SubscriberStatus to, string kind, string actor, DateTime now, object? data = null)
    {
        var from = Status;
        Status = to;
        LastStatusChange = now;
        Record(kind, actor, now, from, data);
    }

    private void Record(string kind, string actor, DateTime now, SubscriberStatus? from, object? data = null) =>
        newEvents.Add(new SubscriberEvent
        {
            SubscriberId = Id,
            PartnerId = PartnerId,
            At = now,
            Kind = kind,
            Actor = actor,
            FromStatus = from?.ToWire(),
            ToStatus = Status.ToWire(),
            Data = data is null ? null : JsonSerializer.Serialize(data),
        });
}
