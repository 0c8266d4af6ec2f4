using System.Text.Json;

namespace Flowthrough.Subscribers;

/// <summary>
/// The bridge record and API resource. Its status changes only through the transition methods below, each of
/// which checks the current status (DESIGN §3.3), stamps the change and records a timeline event.
/// </summary>
public sealed class Subscriber
{
    /// <summary>Insertion order: the keyset for paging, so a walk over pages is stable under concurrent inserts.</summary>
    public long Seq { get; private set; }

    public Guid Id { get; private set; } = Guid.CreateVersion7();
    public Guid PartnerId { get; private set; }
    public Guid TemplateId { get; private set; }
    public string ProvisioningId { get; private set; } = "";
    public string UserId { get; private set; } = "";
    public string SpEnterpriseId { get; private set; } = "";
    public string FirstName { get; private set; } = "";
    public string LastName { get; private set; } = "";
    public string? Email { get; private set; }
    public string? NormalizedEmail { get; private set; }

    /// <summary>True when the email came from a trusted source (API, trusted template, admin): no verification.</summary>
    public bool EmailTrusted { get; private set; }

    public string? PrimaryPhoneNumber { get; private set; }
    public string? MobilePhoneNumber { get; private set; }
    public string? Extension { get; private set; }
    public SubscriberPackage Package { get; private set; }
    public string? Language { get; private set; }
    public string? Timezone { get; private set; }
    public SubscriberStatus Status { get; private set; }
    public int? ErrorCode { get; private set; }
    public string? ErrorDescription { get; private set; }

    /// <summary>The trace id of an internal error, which finds its logged exception; shown to admins and the subscriber.</summary>
    public string? ErrorReference { get; private set; }
    public DateTime Created { get; private set; }
    public DateTime LastStatusChange { get; private set; }
    public bool SelfActivated { get; private set; }
    public SubscriberSource Source { get; private set; }
    public Guid? PersonId { get; private set; }

    /// <summary>The user's id in the provisioning target (the person id in the built-in directory, the SCIM id otherwise).</summary>
    public string? TargetUserId { get; private set; }
    public Guid? OrganizationId { get; private set; }

    /// <summary>Engine attempts in the current provisioning run.</summary>
    public int Attempts { get; private set; }

    /// <summary>When the engine may next work on this subscriber; null while nothing is due.</summary>
    public DateTime? NextAttemptAt { get; private set; }

    /// <summary>A claim by an engine worker; an expired lease means the worker died and the job is due again.</summary>
    public DateTime? LeaseUntil { get; private set; }

    public string? BlockedReason { get; private set; }

    /// <summary>
    /// The trace context (W3C traceparent) of the subscriber's intake request (or the first request that reached it), so
    /// the engine's attempts, target calls and emails continue that one trace (Operations/Telemetry.cs).
    /// </summary>
    public string? TraceParent { get; private set; }

    /// <summary>When the owner of a consumer account agreed to move it into the customer organisation.</summary>
    public DateTime? MigrationConsentAt { get; private set; }

    /// <summary>
    /// Optimistic concurrency token, bumped by the DbContext on every change except lease bookkeeping, so that a
    /// worker claiming or releasing the row never makes a caller's write fail.
    /// </summary>
    public int Version { get; private set; }

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
        SubscriberSource Source)
    {
        /// <summary>The intake request's trace, when the row is written outside it (IntakeWriter's group commit).</summary>
        public string? TraceParent { get; init; }
    }

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

        subscriber.TraceParent = details.TraceParent ?? Operations.Telemetry.CurrentTraceParent;

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

    /// <summary>
    /// The engine created or linked the user in the target and set the licence. <paramref name="target"/> (the
    /// target's name, last HTTP status and trace id) goes on the timeline.
    /// </summary>
    [EngineTransition]
    public void CompleteProvisioning(string targetUserId, Guid? personId, Guid organizationId, DateTime now, object? target = null)
    {
        Require(nameof(CompleteProvisioning), SubscriberStatus.Provisioning, SubscriberStatus.Updating);
        PersonId = personId;
        TargetUserId = targetUserId;
        OrganizationId = organizationId;
        ClearError();
        ClearQueue();
        MoveTo(SubscriberStatus.Provisioned, "provisioned", Actors.Engine, now,
            new { personId = personId?.ToString() ?? targetUserId, attempts = Attempts, target });
        Attempts = 0;
    }

    /// <summary>The email belongs to a user outside the organisation (a consumer account); its owner must consent to the move.</summary>
    [EngineTransition]
    public void RequireUserMigration(DateTime now, object? target = null)
    {
        Require(nameof(RequireUserMigration), SubscriberStatus.Provisioning);
        ClearQueue();
        Attempts = 0;
        MoveTo(SubscriberStatus.PendingUserMigration, "consent_requested", Actors.Engine, now, new { email = Email, target });
    }

    /// <summary>
    /// The target's circuit breaker is open: no call was made, so no attempt is counted; the row waits until
    /// <paramref name="until"/>. Queue bookkeeping only, like the lease.
    /// </summary>
    [EngineTransition]
    public void Defer(DateTime until)
    {
        Require(nameof(Defer), SubscriberStatus.Provisioning, SubscriberStatus.Updating);
        NextAttemptAt = until;
        LeaseUntil = null;
    }

    public void ConfirmMigrationConsent(string actor, DateTime now)
    {
        Require(nameof(ConfirmMigrationConsent), SubscriberStatus.PendingUserMigration);
        MigrationConsentAt = now;
        QueueForEngine(now);
        MoveTo(SubscriberStatus.Provisioning, "consent_given", actor, now);
    }

    /// <summary>A permanent failure, or a transient one past the last attempt.</summary>
    [EngineTransition]
    public void Fail(int errorCode, string description, DateTime now, string? reference = null, object? target = null)
    {
        Require(nameof(Fail), SubscriberStatus.Provisioning, SubscriberStatus.Updating);
        ErrorCode = errorCode;
        ErrorDescription = description;
        ErrorReference = reference;
        ClearQueue();
        MoveTo(SubscriberStatus.Error, "failed", Actors.Engine, now,
            new { errorCode, description, reference, attempts = Attempts, target });
    }

    /// <summary>A transient failure with attempts left: stays in its status and is due again at <paramref name="nextAttemptAt"/>.</summary>
    [EngineTransition]
    public void ScheduleRetry(int errorCode, string description, DateTime nextAttemptAt, DateTime now,
        string? reference = null, object? target = null)
    {
        Require(nameof(ScheduleRetry), SubscriberStatus.Provisioning, SubscriberStatus.Updating);
        ErrorCode = errorCode;
        ErrorDescription = description;
        ErrorReference = reference;
        NextAttemptAt = nextAttemptAt;
        LeaseUntil = null;
        Record("attempt_failed", Actors.Engine, now, Status,
            new { errorCode, description, reference, attempt = Attempts, nextAttemptAt, target });
    }

    /// <summary>Counts an engine attempt; the count decides when transient failures become an error.</summary>
    [EngineTransition]
    public void BeginAttempt()
    {
        Require(nameof(BeginAttempt), SubscriberStatus.Provisioning, SubscriberStatus.Updating);
        Attempts++;
    }

    /// <summary>Provision Admin First: wait, without polling, until the organisation's first user is provisioned.</summary>
    [EngineTransition]
    public void HoldForFirstUser(Guid organizationId, DateTime now)
    {
        Require(nameof(HoldForFirstUser), SubscriberStatus.Provisioning);
        OrganizationId = organizationId;
        BlockedReason = AwaitingFirstUser;
        ClearQueue();
        Record("held", Actors.Engine, now, Status, new { reason = AwaitingFirstUser });
    }

    /// <summary>The organisation's first user is provisioned: a held subscriber is due at once.</summary>
    [EngineTransition]
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

    /// <summary>
    /// Applies the fields <paramref name="change"/> sets (null = keep, blank = remove an optional one) and returns what
    /// changed; a provisioned subscriber is re-provisioned. Nothing is applied when the change would leave the
    /// subscriber with neither a primary number nor an extension: <see cref="DetailUpdate.MissingNumberField"/> says
    /// which field the caller tried to remove.
    /// </summary>
    public DetailUpdate UpdateDetails(DetailChange change, string actor, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(change);
        var primary = change.PrimaryPhoneNumber is null ? PrimaryPhoneNumber : Blank(change.PrimaryPhoneNumber);
        var extension = change.Extension is null ? Extension : Blank(change.Extension);
        if (primary is null && extension is null)
        {
            return new DetailUpdate(new Dictionary<string, string?>(),
                change.PrimaryPhoneNumber is not null ? "primaryPhoneNumber" : "extension");
        }

        var changes = new Dictionary<string, string?>(StringComparer.Ordinal);
        UserId = Apply(changes, "userId", UserId, change.UserId) ?? UserId;
        FirstName = Apply(changes, "firstName", FirstName, change.FirstName) ?? FirstName;
        LastName = Apply(changes, "lastName", LastName, change.LastName) ?? LastName;
        PrimaryPhoneNumber = Apply(changes, "primaryPhoneNumber", PrimaryPhoneNumber, change.PrimaryPhoneNumber);
        MobilePhoneNumber = Apply(changes, "mobilePhoneNumber", MobilePhoneNumber, change.MobilePhoneNumber);
        Extension = Apply(changes, "extension", Extension, change.Extension);
        Language = Apply(changes, "language", Language, change.Language);
        Timezone = Apply(changes, "timezone", Timezone, change.Timezone);
        if (changes.Count > 0)
        {
            MarkChanged("details_changed", actor, now, changes);
        }

        if (change.Package is { } package)
        {
            ChangePackage(package, actor, now);
        }

        return new DetailUpdate(changes, null);
    }

    /// <summary>
    /// A package change is allowed in every status: an engine attempt in flight fails its optimistic check and is
    /// redone with the new package, so nothing can race it. Asked by every page instead of restating it.
    /// </summary>
    public static bool CanChangePackage(SubscriberStatus status) => Enum.IsDefined(status);

    /// <summary>Changes the package; returns false when it already is that package. Events carry package and previous.</summary>
    public bool ChangePackage(SubscriberPackage package, string actor, DateTime now)
    {
        if (package == Package)
        {
            return false;
        }

        var previous = Package;
        Package = package;
        MarkChanged("package_changed", actor, now, new { package = package.ToWire(), previous = previous.ToWire() });
        return true;
    }

    /// <summary>Retry Activation takes a user in error or waiting on a requirement (DESIGN §3.3).</summary>
    public static bool CanRetryActivation(SubscriberStatus status) =>
        status == SubscriberStatus.Error || status.IsPending();

    /// <summary>Whether Retry Activation may go ahead without an email typed by the admin: only with a trusted one.</summary>
    public bool HasTrustedEmail => EmailTrusted && Email is not null;

    /// <summary>
    /// An admin onboards the subscriber. An email the admin typed is vouched for (trusted); without one, only an
    /// email that is already verified or trusted is used, never the subscriber's own unverified entry.
    /// </summary>
    public void RetryActivation(string? adminEmail, string actor, DateTime now)
    {
        if (!CanRetryActivation(Status) || adminEmail is null && !HasTrustedEmail)
        {
            throw new SubscriberTransitionException(Id, Status, nameof(RetryActivation));
        }

        if (adminEmail is not null)
        {
            SetEmail(adminEmail, trusted: true);
        }

        ClearError();
        QueueForEngine(now);
        MoveTo(SubscriberStatus.Provisioning, "retry_activation", actor, now,
            new { email = Email, typedByAdmin = adminEmail is not null });
    }

    /// <summary>
    /// Reconciliation found the user missing, deactivated or different in the target (or an existing user to adopt):
    /// the engine writes it again, going through updating as a details change does. <paramref name="data"/> says why.
    /// </summary>
    public void Repush(string actor, DateTime now, object? data = null)
    {
        Require(nameof(Repush), SubscriberStatus.Provisioned);
        QueueForEngine(now);
        MoveTo(SubscriberStatus.Updating, "repushed", actor, now, data);
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
    public void RecordRemoval(string actor, DateTime now) => Record("deleted", actor, now, Status, new { userId = UserId });

    /// <summary>The engine is done with its claim; the row is free for the next one. Lease bookkeeping only.</summary>
    [EngineTransition]
    public void ReleaseLease() => LeaseUntil = null;

    /// <summary>A provisioned subscriber goes through updating; in any other status the change is only recorded.</summary>
    private void MarkChanged(string kind, string actor, DateTime now, object changes)
    {
        if (Status == SubscriberStatus.Provisioned)
        {
            QueueForEngine(now);
            MoveTo(SubscriberStatus.Updating, kind, actor, now, changes);
        }
        else
        {
            Record(kind, actor, now, Status, changes);
        }
    }

    private static string? Apply(Dictionary<string, string?> changes, string field, string? current, string? requested)
    {
        if (requested is null)
        {
            return current;
        }

        var value = Blank(requested);
        if (!string.Equals(value, current, StringComparison.Ordinal))
        {
            changes[field] = value;
        }

        return value;
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

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
        // One trace per subscriber: the first that reached it (its intake, usually) is continued by every attempt.
        TraceParent ??= Operations.Telemetry.CurrentTraceParent;
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
        ErrorReference = null;
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
