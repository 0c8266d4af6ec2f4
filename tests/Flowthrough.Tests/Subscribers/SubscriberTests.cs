using Flowthrough.Subscribers;
using static Flowthrough.Subscribers.SubscriberStatus;
using Status = Flowthrough.Subscribers.SubscriberStatus;

namespace Flowthrough.Tests.Subscribers;

/// <summary>The status machine of DESIGN §3.3: every allowed row, and every transition a status forbids.</summary>
public sealed class SubscriberTests
{
    private static readonly DateTime Now = new(2026, 11, 24, 10, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime Later = Now.AddMinutes(5);

    public static Subscriber New(string? email = null, bool trusted = false,
        SubscriberSource source = SubscriberSource.Api) =>
        Subscriber.Intake(new Subscriber.IntakeDetails(Guid.NewGuid(), Guid.NewGuid(), "prov-1", "user@sp.example",
            "sp+group", "Zofia", "Łęcka", SubscriberPackage.Standard, email, trusted, "+48 22 555 0101", null, null,
            "pl_PL", "Europe/Warsaw", source), Actors.Api, Now);

    /// <summary>A subscriber brought to <paramref name="status"/> through allowed transitions only.</summary>
    public static Subscriber In(SubscriberStatus status)
    {
        switch (status)
        {
            case PendingEmailInput:
                return New();
            case PendingEmailValidation:
                var validating = New();
                validating.SubmitEmail("zofia@example.com", Actors.Subscriber, Now);
                return validating;
            case Status.Provisioning:
                return New("zofia@example.com", trusted: true);
            case Provisioned:
                var provisioned = In(Status.Provisioning);
                provisioned.BeginAttempt();
                provisioned.CompleteProvisioning("u-" + Guid.NewGuid(), null, Guid.NewGuid(), Now);
                return provisioned;
            case Updating:
                var updating = In(Provisioned);
                updating.ChangePackage(SubscriberPackage.Premium, Actors.Api, Now);
                return updating;
            case Error:
                var failed = In(Status.Provisioning);
                failed.Fail(ErrorCatalog.EmailInOtherOrganization.Code, "in use", Now);
                return failed;
            default:
                var migrating = In(Status.Provisioning);
                migrating.RequireUserMigration(Now);
                return migrating;
        }
    }

    private static readonly Dictionary<string, Action<Subscriber>> Transitions = new()
    {
        ["SubmitEmail"] = s => s.SubmitEmail("new@example.com", Actors.Subscriber, Later),
        ["ConfirmEmail"] = s => s.ConfirmEmail(Actors.Subscriber, Later),
        ["CompleteProvisioning"] = s => s.CompleteProvisioning("u-" + Guid.NewGuid(), null, Guid.NewGuid(), Later),
        ["RequireUserMigration"] = s => s.RequireUserMigration(Later),
        ["ConfirmMigrationConsent"] = s => s.ConfirmMigrationConsent(Actors.Subscriber, Later),
        ["Fail"] = s => s.Fail(7001, "down", Later),
        ["RetryActivation"] = s => s.RetryActivation("admin-set@example.com", Actors.Admin(Guid.Empty), Later),
        ["TryAgain"] = s => s.TryAgain(emailWasTheProblem: false, Actors.Subscriber, Later),
        ["TryAgainWithNewEmail"] = s => s.TryAgain(emailWasTheProblem: true, Actors.Subscriber, Later),
        ["HoldForFirstUser"] = s => s.HoldForFirstUser(Guid.NewGuid(), Later),
        ["ScheduleRetry"] = s => s.ScheduleRetry(7001, "down", Later.AddMinutes(1), Later),
        ["BeginAttempt"] = s => s.BeginAttempt(),
        ["RecordConsentResent"] = s => s.RecordConsentResent(Actors.Api, Later),
        ["UpdateDetails"] = s => s.UpdateDetails(new DetailChange(FirstName: "Zosia"), Actors.Api, Later),
        ["ChangePackage"] = s => s.ChangePackage(s.Package == SubscriberPackage.Basic ? SubscriberPackage.Softphone
            : SubscriberPackage.Basic, Actors.Api, Later),
    };

    /// <summary>Transition → (from → to). A status missing from a row's map must be refused.</summary>
    private static readonly Dictionary<string, Dictionary<SubscriberStatus, SubscriberStatus>> Allowed = new()
    {
        ["SubmitEmail"] = new()
        {
            [PendingEmailInput] = PendingEmailValidation,
            [PendingEmailValidation] = PendingEmailValidation,
            [Error] = PendingEmailValidation,
        },
        ["ConfirmEmail"] = new() { [PendingEmailValidation] = Status.Provisioning },
        ["CompleteProvisioning"] = new() { [Status.Provisioning] = Provisioned, [Updating] = Provisioned },
        ["RequireUserMigration"] = new() { [Status.Provisioning] = PendingUserMigration },
        ["ConfirmMigrationConsent"] = new() { [PendingUserMigration] = Status.Provisioning },
        ["Fail"] = new() { [Status.Provisioning] = Error, [Updating] = Error },
        ["RetryActivation"] = new()
        {
            [Error] = Status.Provisioning,
            [PendingEmailInput] = Status.Provisioning,
            [PendingEmailValidation] = Status.Provisioning,
            [PendingUserMigration] = Status.Provisioning,
        },
        ["TryAgain"] = new() { [Error] = Status.Provisioning },
        ["TryAgainWithNewEmail"] = new() { [Error] = PendingEmailInput },
        ["HoldForFirstUser"] = new() { [Status.Provisioning] = Status.Provisioning },
        ["ScheduleRetry"] = new() { [Status.Provisioning] = Status.Provisioning, [Updating] = Updating },
        ["BeginAttempt"] = new() { [Status.Provisioning] = Status.Provisioning, [Updating] = Updating },
        ["RecordConsentResent"] = new() { [PendingUserMigration] = PendingUserMigration },
        ["UpdateDetails"] = Enum.GetValues<SubscriberStatus>()
            .ToDictionary(s => s, s => s == Provisioned ? Updating : s),
        ["ChangePackage"] = Enum.GetValues<SubscriberStatus>()
            .ToDictionary(s => s, s => s == Provisioned ? Updating : s),
    };

    public static TheoryData<string, SubscriberStatus> AllowedRows()
    {
        var rows = new TheoryData<string, SubscriberStatus>();
        foreach (var (transition, map) in Allowed)
        {
            foreach (var from in map.Keys)
            {
                rows.Add(transition, from);
            }
        }

        return rows;
    }

    public static TheoryData<string, SubscriberStatus> ForbiddenRows()
    {
        var rows = new TheoryData<string, SubscriberStatus>();
        foreach (var (transition, map) in Allowed)
        {
            foreach (var from in Enum.GetValues<SubscriberStatus>().Where(s => !map.ContainsKey(s)))
            {
                rows.Add(transition, from);
            }
        }

        return rows;
    }

    [Theory]
    [MemberData(nameof(AllowedRows))]
    public void Allowed_transition_moves_to_its_status_and_records_an_event(string transition, SubscriberStatus from)
    {
        var subscriber = In(from);
        var eventsBefore = subscriber.NewEvents.Count;

        Transitions[transition](subscriber);

        subscriber.Status.Should().Be(Allowed[transition][from]);
        if (transition != "BeginAttempt")
        {
            subscriber.NewEvents.Count.Should().Be(eventsBefore + 1);
            var recorded = subscriber.NewEvents[^1];
            recorded.SubscriberId.Should().Be(subscriber.Id);
            recorded.ToStatus.Should().Be(subscriber.Status.ToWire());
            recorded.At.Should().Be(Later);
        }

        if (subscriber.Status != from)
        {
            subscriber.LastStatusChange.Should().Be(Later);
        }
    }

    [Theory]
    [MemberData(nameof(ForbiddenRows))]
    public void Forbidden_transition_is_refused_with_a_typed_failure_and_changes_nothing(string transition,
        SubscriberStatus from)
    {
        var subscriber = In(from);
        var events = subscriber.NewEvents.Count;
        var changed = subscriber.LastStatusChange;

        var act = () => Transitions[transition](subscriber);

        act.Should().Throw<SubscriberTransitionException>()
            .Which.Should().Match<SubscriberTransitionException>(e => e.From == from && e.SubscriberId == subscriber.Id);
        subscriber.Status.Should().Be(from);
        subscriber.NewEvents.Count.Should().Be(events);
        subscriber.LastStatusChange.Should().Be(changed);
    }

    [Fact]
    public void Intake_with_a_trusted_email_starts_provisioning_and_is_due_at_once()
    {
        var subscriber = New("Zofia@Example.com", trusted: true);

        subscriber.Status.Should().Be(Status.Provisioning);
        subscriber.NextAttemptAt.Should().Be(Now);
        subscriber.NormalizedEmail.Should().Be("zofia@example.com");
        subscriber.NewEvents.Should().ContainSingle().Which.Kind.Should().Be("intake");
    }

    [Fact]
    public void Intake_without_email_or_with_an_untrusted_one_waits_for_email_input()
    {
        New().Status.Should().Be(PendingEmailInput);
        New("zofia@example.com", trusted: false).Status.Should().Be(PendingEmailInput);
        New().NextAttemptAt.Should().BeNull();
    }

    [Fact]
    public void Self_activation_intake_is_marked_self_activated_and_waits_for_email()
    {
        var subscriber = New("zofia@example.com", trusted: true, SubscriberSource.SelfActivation);

        subscriber.Status.Should().Be(PendingEmailInput);
        subscriber.SelfActivated.Should().BeTrue();
    }

    [Fact]
    public void Provisioned_subscriber_shows_its_person_and_a_failure_keeps_the_error()
    {
        var person = Guid.NewGuid();
        var subscriber = In(Status.Provisioning);
        subscriber.BeginAttempt();
        subscriber.CompleteProvisioning(person.ToString(), person, Guid.NewGuid(), Later);
        subscriber.PersonId.Should().Be(person);
        subscriber.NextAttemptAt.Should().BeNull();

        var failed = In(Status.Provisioning);
        failed.Fail(7002, "taken", Later);
        failed.ErrorCode.Should().Be(7002);
        failed.ErrorDescription.Should().Be("taken");
        failed.NextAttemptAt.Should().BeNull();
    }

    [Fact]
    public void Hold_waits_without_polling_and_release_makes_it_due_at_once()
    {
        var subscriber = In(Status.Provisioning);
        var organization = Guid.NewGuid();

        subscriber.HoldForFirstUser(organization, Now);
        subscriber.BlockedReason.Should().Be(Subscriber.AwaitingFirstUser);
        subscriber.NextAttemptAt.Should().BeNull();
        subscriber.OrganizationId.Should().Be(organization);

        subscriber.ReleaseHold(Later);
        subscriber.BlockedReason.Should().BeNull();
        subscriber.NextAttemptAt.Should().Be(Later);
    }

    [Fact]
    public void Release_of_a_subscriber_that_is_not_held_is_refused()
    {
        var act = () => In(Status.Provisioning).ReleaseHold(Later);

        act.Should().Throw<SubscriberTransitionException>();
    }

    [Fact]
    public void Retry_activation_treats_the_admins_email_as_trusted()
    {
        var subscriber = In(PendingEmailInput);

        subscriber.RetryActivation("Set@Example.com", Actors.Admin(Guid.Empty), Later);

        subscriber.EmailTrusted.Should().BeTrue();
        subscriber.Email.Should().Be("Set@Example.com");
        subscriber.NextAttemptAt.Should().Be(Later);
    }

    [Fact]
    public void Removal_is_recorded_in_every_status()
    {
        foreach (var status in Enum.GetValues<SubscriberStatus>())
        {
            var subscriber = In(status);
            subscriber.RecordRemoval(Actors.Api, Later);
            subscriber.NewEvents[^1].Kind.Should().Be("deleted");
        }
    }
}
