using System.Data.Common;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Flowthrough.Email;
using Flowthrough.Provisioning;
using Flowthrough.Subscribers;
using Flowthrough.Templates;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Flowthrough.Tests.Provisioning;

public sealed class ProvisioningEngineTests
{
    private static readonly Dictionary<string, string?> RetrySettings = new()
    {
        ["Engine:MaxAttempts"] = "3",
        ["Engine:RetryBaseDelay"] = "00:01:00",
        ["Engine:LeaseDuration"] = "00:02:00",
    };

    private static Task<Subscriber> AddAsync(FlowthroughApplication app, TestPartner partner, string userId,
        string? email, string enterprise = "sp+acme", bool trusted = true) =>
        EngineTestData.AddAsync(app, partner, userId, email, enterprise, trusted);

    private static Task<Subscriber> ReloadAsync(FlowthroughApplication app, Guid id) => EngineTestData.ReloadAsync(app, id);

    private static Task DrainAsync(FlowthroughApplication app) => app.DrainEngineAsync();

    [Fact]
    public async Task A_trusted_subscriber_is_provisioned_into_an_auto_created_organisation()
    {
        await using var app = await FlowthroughApplication.CreateAsync();
        var partner = await app.CreatePartnerAsync();
        var first = await AddAsync(app, partner, "first", "First@Acme.example");
        var second = await AddAsync(app, partner, "second", "second@acme.example");

        await DrainAsync(app);

        var provisioned = await ReloadAsync(app, first.Id);
        provisioned.Status.Should().Be(SubscriberStatus.Provisioned);
        provisioned.PersonId.Should().NotBeNull();
        await using var db = app.CreateDbContext();
        var organization = await db.Organizations.SingleAsync(o => o.PartnerId == partner.Partner.Id);
        organization.SpEnterpriseId.Should().Be("sp+acme");
        organization.FirstUserSubscriberId.Should().Be(first.Id);
        var person = await db.People.SingleAsync(p => p.Id == provisioned.PersonId);
        person.OrganizationId.Should().Be(organization.Id);
        person.NormalizedEmail.Should().Be("first@acme.example");
        person.Package.Should().Be(SubscriberPackage.Premium);
        person.IsOrganizationAdmin.Should().BeTrue();
        (await ReloadAsync(app, second.Id)).Status.Should().Be(SubscriberStatus.Provisioned);
        (await db.People.SingleAsync(p => p.NormalizedEmail == "second@acme.example")).IsOrganizationAdmin.Should().BeFalse();
        var kinds = await db.SubscriberEvents.Where(e => e.SubscriberId == first.Id).OrderBy(e => e.Id)
            .Select(e => e.Kind).ToListAsync();
        kinds.Should().Equal("intake", "provisioned");
    }

    [Fact]
    public async Task Without_auto_create_a_missing_organisation_is_an_admin_error()
    {
        await using var app = await FlowthroughApplication.CreateAsync();
        var partner = await app.CreatePartnerAsync(t => t.AutoCreateOrganizations = false);
        var subscriber = await AddAsync(app, partner, "u1", "u1@acme.example");

        await DrainAsync(app);

        var failed = await ReloadAsync(app, subscriber.Id);
        failed.Status.Should().Be(SubscriberStatus.Error);
        failed.ErrorCode.Should().Be(ErrorCatalog.OrganizationMissing.Code);
    }

    [Fact]
    public async Task An_email_in_another_organisation_is_a_user_error()
    {
        await using var app = await FlowthroughApplication.CreateAsync();
        var partner = await app.CreatePartnerAsync();
        await AddAsync(app, partner, "owner", "shared@example.com", enterprise: "sp+one");
        await DrainAsync(app);
        var clash = await AddAsync(app, partner, "clash", "SHARED@example.com", enterprise: "sp+two");

        await DrainAsync(app);

        var failed = await ReloadAsync(app, clash.Id);
        failed.Status.Should().Be(SubscriberStatus.Error);
        failed.ErrorCode.Should().Be(ErrorCatalog.EmailInOtherOrganization.Code);
        ErrorCatalog.Find(failed.ErrorCode!.Value)!.RetryClass.Should().Be(RetryClass.User);
    }

    [Fact]
    public async Task A_consumer_account_needs_consent_and_provision_admin_first_holds_the_others_until_then()
    {
        await using var app = await FlowthroughApplication.CreateAsync();
        var partner = await app.CreatePartnerAsync(t => t.ProvisionAdminFirst = true);
        await using (var db = app.CreateDbContext())
        {
            db.People.Add(new Person { Email = "free@mail.example", NormalizedEmail = "free@mail.example", Created = DateTime.UtcNow });
            await db.SaveChangesAsync();
        }

        var admin = await AddAsync(app, partner, "admin", "free@mail.example");
        await DrainAsync(app);
        var colleague = await AddAsync(app, partner, "colleague", "colleague@acme.example");
        await DrainAsync(app);

        (await ReloadAsync(app, admin.Id)).Status.Should().Be(SubscriberStatus.PendingUserMigration);
        var held = await ReloadAsync(app, colleague.Id);
        held.Status.Should().Be(SubscriberStatus.Provisioning);
        held.BlockedReason.Should().Be(Subscriber.AwaitingFirstUser);
        await using (var db = app.CreateDbContext())
        {
            var consent = await db.Outbox.SingleAsync(m => m.SubscriberId == admin.Id);
            consent.Kind.Should().Be(EmailKind.ConsentMove);
            consent.To.Should().Be("free@mail.example");
            (await db.EmailVerifications.SingleAsync(v => v.SubscriberId == admin.Id)).Purpose
                .Should().Be(VerificationPurpose.ConsentMove);

            var waiting = await db.Subscribers.SingleAsync(s => s.Id == admin.Id);
            waiting.ConfirmMigrationConsent(Actors.Subscriber, DateTime.UtcNow);
            await db.SaveChangesAsync();
        }

        await DrainAsync(app);

        var adminNow = await ReloadAsync(app, admin.Id);
        adminNow.Status.Should().Be(SubscriberStatus.Provisioned);
        var released = await ReloadAsync(app, colleague.Id);
        released.Status.Should().Be(SubscriberStatus.Provisioned);
        released.BlockedReason.Should().BeNull();
        await using var check = app.CreateDbContext();
        var moved = await check.People.SingleAsync(p => p.NormalizedEmail == "free@mail.example");
        moved.OrganizationId.Should().Be(adminNow.OrganizationId);
        moved.IsOrganizationAdmin.Should().BeTrue();
    }

    [Fact]
    public async Task Transient_failures_retry_with_backoff_then_succeed()
    {
        // One failure: the first attempt's create; the target is called once per attempt.
        var faults = new FailingPeopleInserts(failures: 1);
        await using var app = await CreateWithFaultsAsync(faults);
        var partner = await app.CreatePartnerAsync();
        var subscriber = await AddAsync(app, partner, "u1", "u1@acme.example");

        await DrainAsync(app);

        var retrying = await ReloadAsync(app, subscriber.Id);
        retrying.Status.Should().Be(SubscriberStatus.Provisioning);
        retrying.Attempts.Should().Be(1);
        retrying.ErrorCode.Should().Be(ErrorCatalog.IdentityUnavailable.Code);
        var now = app.Time!.GetUtcNow().UtcDateTime;
        retrying.NextAttemptAt.Should().BeOnOrAfter(now.AddSeconds(47)).And.BeOnOrBefore(now.AddSeconds(73));

        await DrainAsync(app);
        (await ReloadAsync(app, subscriber.Id)).Attempts.Should().Be(1, "nothing is due before the backoff ends");

        app.Time.Advance(TimeSpan.FromMinutes(2));
        await DrainAsync(app);

        var provisioned = await ReloadAsync(app, subscriber.Id);
        provisioned.Status.Should().Be(SubscriberStatus.Provisioned);
        provisioned.ErrorCode.Should().BeNull();
    }

    [Fact]
    public async Task Transient_failures_past_the_last_attempt_end_in_error()
    {
        await using var app = await CreateWithFaultsAsync(new FailingPeopleInserts(failures: int.MaxValue));
        var partner = await app.CreatePartnerAsync();
        var subscriber = await AddAsync(app, partner, "u1", "u1@acme.example");

        for (var attempt = 0; attempt < 3; attempt++)
        {
            await DrainAsync(app);
            app.Time!.Advance(TimeSpan.FromMinutes(10));
        }

        var failed = await ReloadAsync(app, subscriber.Id);
        failed.Status.Should().Be(SubscriberStatus.Error);
        failed.Attempts.Should().Be(3);
        failed.ErrorCode.Should().Be(ErrorCatalog.IdentityUnavailable.Code);
        failed.ErrorDescription.Should().Contain("3 attempts");
        await using var db = app.CreateDbContext();
        (await db.SubscriberEvents.CountAsync(e => e.SubscriberId == subscriber.Id && e.Kind == "attempt_failed"))
            .Should().Be(2);
    }

    [Fact]
    public async Task One_failing_row_does_not_hold_up_the_rest_of_its_batch()
    {
        await using var app = await CreateWithFaultsAsync(new FailingPeopleInserts(failures: int.MaxValue, onlyEmail: "bad@acme.example"));
        var partner = await app.CreatePartnerAsync();
        var good = await AddAsync(app, partner, "good", "good@acme.example");
        var bad = await AddAsync(app, partner, "bad", "bad@acme.example");

        await DrainAsync(app);

        (await ReloadAsync(app, good.Id)).Status.Should().Be(SubscriberStatus.Provisioned);
        (await ReloadAsync(app, bad.Id)).Attempts.Should().Be(1);
    }

    [Fact]
    public async Task After_a_crash_the_expired_lease_is_claimed_again_and_nothing_is_applied_twice()
    {
        await using var app = await FlowthroughApplication.CreateAsync(RetrySettings, fakeTime: true);
        var partner = await app.CreatePartnerAsync();
        var subscriber = await AddAsync(app, partner, "u1", "u1@acme.example");
        var engine = app.Service<ProvisioningEngine>();

        // A worker claims the row and dies before finishing it.
        await using (var crashed = app.CreateDbContext())
        {
            (await engine.ClaimAsync(crashed, TestContext.Current.CancellationToken)).Should().HaveCount(1);
        }

        (await engine.ProcessBatchAsync(TestContext.Current.CancellationToken)).Should().Be(0, "the lease still holds");
        app.Time!.Advance(TimeSpan.FromMinutes(3));
        await DrainAsync(app);

        (await ReloadAsync(app, subscriber.Id)).Status.Should().Be(SubscriberStatus.Provisioned);
        await using var db = app.CreateDbContext();
        (await db.People.CountAsync(p => p.NormalizedEmail == "u1@acme.example")).Should().Be(1);
        (await db.Organizations.CountAsync(o => o.PartnerId == partner.Partner.Id)).Should().Be(1);
        (await db.SubscriberEvents.CountAsync(e => e.SubscriberId == subscriber.Id && e.Kind == "provisioned")).Should().Be(1);
    }

    [Fact]
    public async Task Intake_wakes_the_workers_without_waiting_for_the_poll()
    {
        await using var app = await FlowthroughApplication.CreateAsync(new Dictionary<string, string?>
        {
            ["Engine:Workers"] = "1",
            ["Engine:PollInterval"] = "00:10:00",
        });
        var partner = await app.CreatePartnerAsync();
        var client = partner.Client();
        await Task.Delay(200, TestContext.Current.CancellationToken); // let the worker go idle on its ten-minute poll

        var created = await client.PostAsJsonAsync("/v1/broadworks/subscribers", new
        {
            provisioningId = partner.Template.ProvisioningId,
            userId = "quick@sp.example",
            spEnterpriseId = "sp+quick",
            firstName = "Szybki",
            lastName = "Użytkownik",
            package = "basic",
            email = "quick@example.com",
            extension = "100",
        }, TestContext.Current.CancellationToken);
        var id = (await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();

        string? status = null;
        for (var i = 0; i < 100 && status != "provisioned"; i++)
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
            var current = await client.GetFromJsonAsync<JsonObject>($"/v1/broadworks/subscribers/{id}");
            status = current!["status"]!.GetValue<string>();
            if (status == "provisioned")
            {
                current["personId"]!.GetValue<string>().Should().NotBeEmpty();
            }
        }

        status.Should().Be("provisioned");
    }

    private static Task<FlowthroughApplication> CreateWithFaultsAsync(FailingPeopleInserts faults) =>
        FlowthroughApplication.CreateAsync(RetrySettings, fakeTime: true, services =>
            services.AddSingleton<IInterceptor>(faults));

    /// <summary>Fails inserts of people the way a dropped connection does: a real exception from the command.</summary>
    private sealed class FailingPeopleInserts(int failures, string? onlyEmail = null) : CommandObserver
    {
        private int remaining = failures;

        protected override void Observe(DbCommand command)
        {
            if (!command.CommandText.Contains("INSERT INTO \"People\"", StringComparison.Ordinal))
            {
                return;
            }

            if (onlyEmail is not null && !command.Parameters.Cast<DbParameter>().Any(p => Equals(p.Value, onlyEmail)))
            {
                return;
            }

            if (Interlocked.Decrement(ref remaining) >= 0)
            {
                throw new TimeoutException("The identity store did not answer (injected by the test).");
            }
        }
    }
}
