using Flowthrough.Provisioning;
using Flowthrough.Provisioning.Targets.Reconciliation;
using Flowthrough.Subscribers;
using Flowthrough.Tests.PartnerHub;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Flowthrough.Tests.Provisioning.Targets;

/// <summary>
/// One story, whatever the target: five subscribers provisioned by the engine, then drift injected into the target
/// (a user deleted, one deactivated, one renamed, a stranger added, and a user already there for a subscriber whose
/// provisioning failed), reconciliation run, each item repaired, and a second run that finds only what was ignored.
/// </summary>
public sealed class ReconciliationScenario(HubFixture hub, IDriftInjection drift)
{
    /// <summary>With a "+", as BroadWorks enterprise ids often have: it must survive SCIM filters.</summary>
    public const string Enterprise = "sp+recon";

    private FlowthroughApplication App => hub.App;

    public Subscriber Deleted { get; private set; } = null!;

    public Subscriber Deactivated { get; private set; } = null!;

    public Subscriber Renamed { get; private set; } = null!;

    public Subscriber Untouched { get; private set; } = null!;

    /// <summary>Failed before reaching the target; a user with its email is then created there by someone else.</summary>
    public Subscriber Failed { get; private set; } = null!;

    public string StrangerId { get; private set; } = "";

    public string AdoptableId { get; private set; } = "";

    public RepairAdmin Admin => new(hub.Partner.Partner.Id, hub.Admin.Id);

    /// <summary>Provisions the subscribers through the engine, then changes the target behind its back.</summary>
    public async Task ProvisionAndDriftAsync()
    {
        Deleted = await AddAsync("deleted");
        Deactivated = await AddAsync("deactivated");
        Renamed = await AddAsync("renamed");
        Untouched = await AddAsync("untouched");
        await App.DrainEngineAsync();
        foreach (var s in new[] { Deleted, Deactivated, Renamed, Untouched })
        {
            (await ReloadAsync(s.Id)).Status.Should().Be(SubscriberStatus.Provisioned);
        }

        Failed = await AddFailedAsync("failed");
        var organization = await OrganizationAsync();
        await drift.DeleteUserAsync((await ReloadAsync(Deleted.Id)).TargetUserId!);
        await drift.DeactivateUserAsync((await ReloadAsync(Deactivated.Id)).TargetUserId!);
        await drift.SetGivenNameAsync((await ReloadAsync(Renamed.Id)).TargetUserId!, "Zmieniony");
        StrangerId = await drift.AddUserAsync(organization, "stranger@recon.example", "Obcy", "Ktoś");
        AdoptableId = await drift.AddUserAsync(organization, Failed.Email!, "Piotr", "Wiśniewski");
    }

    public async Task<ReconciliationRun> RunAsync()
    {
        await using (var db = App.CreateDbContext())
        {
            await ReconciliationRunner.StartAsync(db, hub.Partner.Partner.Id, hub.Partner.Template.Id, hub.Admin.Id,
                DateTime.UtcNow, TestContext.Current.CancellationToken);
            await db.SaveChangesAsync();
        }

        (await App.Service<ReconciliationRunner>().RunNextAsync(TestContext.Current.CancellationToken)).Should().BeTrue();
        await using var check = App.CreateDbContext();
        return await check.ReconciliationRuns.AsNoTracking().Where(r => r.TemplateId == hub.Partner.Template.Id)
            .OrderByDescending(r => r.Created).FirstAsync();
    }

    public async Task<List<ReconciliationItem>> ItemsAsync(Guid runId)
    {
        await using var db = App.CreateDbContext();
        return await db.ReconciliationItems.AsNoTracking().Where(i => i.RunId == runId).ToListAsync();
    }

    public async Task<RepairOutcome> RepairAsync(Guid itemId, RepairAction action)
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ReconciliationRepairs>()
            .RepairAsync(Admin, hub.Partner.Template.Id, itemId, action, TestContext.Current.CancellationToken);
    }

    /// <summary>The first run's findings, checked item by item.</summary>
    public void ShouldFindTheDrift(ReconciliationRun run, IReadOnlyList<ReconciliationItem> items)
    {
        run.State.Should().Be(ReconciliationState.Completed);
        (run.Missing, run.Extra, run.Different, run.Ignored).Should().Be((2, 2, 1, 0));
        items.Should().HaveCount(5);

        var deleted = items.Single(i => i.SubscriberId == Deleted.Id);
        deleted.Kind.Should().Be(DriftKind.Missing);
        deleted.ReadDetails().Reason.Should().Be(DriftDetails.Absent);
        var deactivated = items.Single(i => i.SubscriberId == Deactivated.Id);
        deactivated.Kind.Should().Be(DriftKind.Missing);
        deactivated.ReadDetails().Reason.Should().Be(DriftDetails.Inactive);

        var renamed = items.Single(i => i.SubscriberId == Renamed.Id);
        renamed.Kind.Should().Be(DriftKind.Different);
        renamed.ReadDetails().Attributes.Should().ContainSingle()
            .Which.Should().Be(new AttributeDifference("name.givenName", "Piotr", "Zmieniony"));

        var stranger = items.Single(i => i.TargetUserId == StrangerId);
        (stranger.Kind, stranger.UserName.ToLowerInvariant(), stranger.SubscriberId).Should().Be((DriftKind.Extra, "stranger@recon.example", (Guid?)null));
        var adoptable = items.Single(i => i.TargetUserId == AdoptableId);
        (adoptable.Kind, adoptable.SubscriberId).Should().Be((DriftKind.Extra, Failed.Id));
        items.Should().NotContain(i => i.SubscriberId == Untouched.Id);
    }

    /// <summary>Re-push the missing and different ones, adopt the user of the failed subscriber, ignore the stranger.</summary>
    public async Task RepairAsync(IReadOnlyList<ReconciliationItem> items)
    {
        foreach (var item in items.Where(i => i.Kind != DriftKind.Extra))
        {
            (await RepairAsync(item.Id, RepairAction.Adopt)).Result.Should().Be(RepairResult.NotOffered, "adopt is for extra users");
            (await RepairAsync(item.Id, RepairAction.Repush)).Result.Should().Be(RepairResult.Done);
            (await ReloadAsync(item.SubscriberId!.Value)).Status.Should().Be(SubscriberStatus.Updating);
        }

        var stranger = items.Single(i => i.TargetUserId == StrangerId);
        (await RepairAsync(stranger.Id, RepairAction.Adopt)).Result.Should().Be(RepairResult.NotOffered, "no subscriber has that user name");
        (await RepairAsync(stranger.Id, RepairAction.Ignore)).Result.Should().Be(RepairResult.Done);
        (await RepairAsync(items.Single(i => i.TargetUserId == AdoptableId).Id, RepairAction.Adopt)).Result.Should().Be(RepairResult.Done);
        (await ReloadAsync(Failed.Id)).Status.Should().Be(SubscriberStatus.Provisioning);

        await App.DrainEngineAsync();
        foreach (var s in new[] { Deleted, Deactivated, Renamed, Failed })
        {
            (await ReloadAsync(s.Id)).Status.Should().Be(SubscriberStatus.Provisioned);
        }

        (await ReloadAsync(Failed.Id)).TargetUserId.Should().Be(AdoptableId, "adopt links the existing user, it creates none");

        await using var db = App.CreateDbContext();
        var audit = await db.AdminAuditEvents.AsNoTracking().Where(a => a.PartnerId == hub.Partner.Partner.Id && a.AdminId == hub.Admin.Id)
            .Select(a => a.Action).ToListAsync();
        audit.Should().Contain([ReconciliationRepairs.AuditRepush, ReconciliationRepairs.AuditAdopt, ReconciliationRepairs.AuditIgnore]);
    }

    /// <summary>After the repairs: nothing open; the stranger is recorded as ignored, not listed as drift again.</summary>
    public static void ShouldFindOnlyTheIgnored(ReconciliationRun run, IReadOnlyList<ReconciliationItem> items, string strangerId)
    {
        run.State.Should().Be(ReconciliationState.Completed);
        (run.Missing, run.Extra, run.Different, run.Ignored).Should().Be((0, 0, 0, 1));
        items.Should().ContainSingle().Which.Should().Match<ReconciliationItem>(i =>
            i.TargetUserId == strangerId && i.Resolution == DriftResolution.Ignored);
    }

    private async Task<Subscriber> AddAsync(string name)
    {
        var s = await EngineTestData.AddAsync(App, hub.Partner, $"{name}@recon.bw", $"{name}@recon.example", Enterprise);
        return s;
    }

    private async Task<Subscriber> AddFailedAsync(string name)
    {
        await using var db = App.CreateDbContext();
        var s = Subscriber.Intake(new Subscriber.IntakeDetails(hub.Partner.Partner.Id, hub.Partner.Template.Id,
            hub.Partner.Template.ProvisioningId, $"{name}@recon.bw", Enterprise, "Piotr", "Wiśniewski", SubscriberPackage.Premium,
            $"{name}@recon.example", true, "+48 22 555 0199", null, null, "pl", null, SubscriberSource.Api), Actors.Api, DateTime.UtcNow);
        s.BeginAttempt();
        s.Fail(ErrorCatalog.TemplateMissing.Code, ErrorCatalog.TemplateMissing.English, DateTime.UtcNow);
        db.Subscribers.Add(s);
        await db.SaveChangesAsync();
        return s;
    }

    private async Task<CustomerOrganization> OrganizationAsync()
    {
        await using var db = App.CreateDbContext();
        return await db.Organizations.AsNoTracking().SingleAsync(o => o.PartnerId == hub.Partner.Partner.Id && o.SpEnterpriseId == Enterprise);
    }

    public Task<Subscriber> ReloadAsync(Guid id) => EngineTestData.ReloadAsync(App, id);
}
