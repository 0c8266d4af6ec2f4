using Flowthrough.Provisioning.Targets;
using Flowthrough.Provisioning.Targets.Reconciliation;
using Flowthrough.Tests.PartnerHub;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Flowthrough.Tests.Provisioning.Targets;

/// <summary>Reconciliation against the built-in directory: drift injected by editing People rows, then repaired.</summary>
public sealed class ReconciliationTests
{
    [Fact]
    public async Task Drift_injected_into_the_built_in_directory_is_reported_and_repair_fixes_it()
    {
        await using var hub = await HubFixture.StartAsync();
        var scenario = new ReconciliationScenario(hub, new BuiltInDriftInjection(hub.App));
        await scenario.ProvisionAndDriftAsync();

        var first = await scenario.RunAsync();
        var items = await scenario.ItemsAsync(first.Id);
        scenario.ShouldFindTheDrift(first, items);
        first.TargetName.Should().Be(BuiltInDirectoryTarget.DisplayName);

        await scenario.RepairAsync(items);
        (await scenario.RepairAsync(items[0].Id, RepairAction.Ignore)).Result.Should().Be(RepairResult.NotOffered,
            "a resolved item offers nothing more");

        var second = await scenario.RunAsync();
        ReconciliationScenario.ShouldFindOnlyTheIgnored(second, await scenario.ItemsAsync(second.Id), scenario.StrangerId);
    }

    [Fact]
    public async Task Re_push_all_sends_every_missing_and_different_subscriber_back_through_the_engine()
    {
        await using var hub = await HubFixture.StartAsync();
        var scenario = new ReconciliationScenario(hub, new BuiltInDriftInjection(hub.App));
        await scenario.ProvisionAndDriftAsync();
        var run = await scenario.RunAsync();

        await using (var scope = hub.App.Services.CreateAsyncScope())
        {
            var repairs = scope.ServiceProvider.GetRequiredService<ReconciliationRepairs>();
            (await repairs.RepushableCountAsync(run.Id, TestContext.Current.CancellationToken)).Should().Be(3);
            var outcome = await repairs.RepushAllAsync(scenario.Admin, hub.Partner.Template.Id, run.Id, TestContext.Current.CancellationToken);
            outcome.Should().Be(new RepushAllOutcome(3, 0));
            (await repairs.RepushAllAsync(scenario.Admin, Guid.NewGuid(), run.Id, TestContext.Current.CancellationToken))
                .Should().BeNull("another template's run is not found");
        }

        var items = await scenario.ItemsAsync(run.Id);
        items.Where(i => i.Kind != DriftKind.Extra).Should().OnlyContain(i => i.Resolution == DriftResolution.Repushed);
        items.Where(i => i.Kind == DriftKind.Extra).Should().OnlyContain(i => i.Resolution == DriftResolution.Open);
        await hub.App.DrainEngineAsync();

        var again = await scenario.RunAsync();
        (again.Missing, again.Different, again.Extra).Should().Be((0, 0, 2));
    }

    [Fact]
    public async Task One_runner_holds_the_lease_and_the_others_wait()
    {
        await using var hub = await HubFixture.StartAsync();
        var ct = TestContext.Current.CancellationToken;
        var leases = Enumerable.Range(0, 4).Select(i => new RunnerLease($"node-{i}", TimeSpan.FromMinutes(2), TimeProvider.System)).ToList();
        var taken = await Task.WhenAll(leases.Select(async lease =>
        {
            await using var db = hub.App.CreateDbContext();
            return await lease.TakeAsync(db, ct);
        }));
        taken.Count(t => t).Should().Be(1, "of nodes racing for the lease exactly one gets it");

        var holder = leases[Array.IndexOf(taken, true)];
        await using (var db = hub.App.CreateDbContext())
        {
            await ReconciliationRunner.StartAsync(db, hub.Partner.Partner.Id, hub.Partner.Template.Id, hub.Admin.Id, DateTime.UtcNow, ct);
            await db.SaveChangesAsync(ct);
        }

        var runner = hub.App.Service<ReconciliationRunner>();
        (await runner.RunNextAsync(ct)).Should().BeFalse("another node holds the lease");
        await using (var db = hub.App.CreateDbContext())
        {
            (await db.ReconciliationRuns.SingleAsync(r => r.TemplateId == hub.Partner.Template.Id, ct)).State.Should().Be(ReconciliationState.Queued);
            await holder.ReleaseAsync(db, ct);
        }

        (await runner.RunNextAsync(ct)).Should().BeTrue();
        (await runner.RunNextAsync(ct)).Should().BeFalse("nothing is queued any more");
        await using var check = hub.App.CreateDbContext();
        (await check.ReconciliationRuns.SingleAsync(r => r.TemplateId == hub.Partner.Template.Id, ct)).State.Should().Be(ReconciliationState.Completed);
    }

    [Fact]
    public async Task A_run_whose_runner_died_is_done_again_by_the_next_one()
    {
        await using var hub = await HubFixture.StartAsync();
        var ct = TestContext.Current.CancellationToken;
        var scenario = new ReconciliationScenario(hub, new BuiltInDriftInjection(hub.App));
        await scenario.ProvisionAndDriftAsync();
        Guid runId;
        await using (var db = hub.App.CreateDbContext())
        {
            var run = await ReconciliationRunner.StartAsync(db, hub.Partner.Partner.Id, hub.Partner.Template.Id, hub.Admin.Id, DateTime.UtcNow, ct);
            run.State = ReconciliationState.Running;
            await db.SaveChangesAsync(ct);
            runId = run.Id;
            // What the dead runner had committed before it died: kept out of the new results.
            db.ReconciliationItems.Add(new ReconciliationItem { RunId = runId, Kind = DriftKind.Extra, UserName = "half-done@recon.example" });
            db.ReconciliationLeases.Add(new ReconciliationLease { Name = RunnerLease.Name, Owner = "dead-node", Until = DateTime.UtcNow.AddSeconds(-1) });
            await db.SaveChangesAsync(ct);
        }

        (await hub.App.Service<ReconciliationRunner>().RunNextAsync(ct)).Should().BeTrue("an expired lease is taken over");
        await using var check = hub.App.CreateDbContext();
        var done = await check.ReconciliationRuns.AsNoTracking().SingleAsync(r => r.Id == runId, ct);
        scenario.ShouldFindTheDrift(done, await scenario.ItemsAsync(runId));
    }

    [Fact]
    public async Task The_schedule_reconciles_every_template_with_a_target_once_per_interval()
    {
        await using var hub = await HubFixture.StartAsync(new Dictionary<string, string?> { ["Targets:ReconciliationInterval"] = "01:00:00" });
        var ct = TestContext.Current.CancellationToken;
        var withoutTarget = await hub.App.CreatePartnerAsync();
        await using (var db = hub.App.CreateDbContext())
        {
            var target = new ProvisioningTarget
            {
                PartnerId = hub.Partner.Partner.Id, Name = "Directory", Kind = TargetKind.BuiltInDirectory, Created = DateTime.UtcNow,
            };
            db.ProvisioningTargets.Add(target);
            await db.SaveChangesAsync(ct);
            await db.Templates.Where(t => t.Id == hub.Partner.Template.Id).ExecuteUpdateAsync(u => u.SetProperty(t => t.TargetId, target.Id), ct);
        }

        var runner = hub.App.Service<ReconciliationRunner>();
        (await runner.RunNextAsync(ct)).Should().BeTrue("the template with a target is due");
        (await runner.RunNextAsync(ct)).Should().BeFalse("it was reconciled within the interval");
        await using var check = hub.App.CreateDbContext();
        var runs = await check.ReconciliationRuns.AsNoTracking().ToListAsync(ct);
        runs.Should().ContainSingle().Which.Should().Match<ReconciliationRun>(r => r.TemplateId == hub.Partner.Template.Id
            && r.Trigger == ReconciliationTrigger.Scheduled && r.State == ReconciliationState.Completed && r.TargetName == "Directory");
        runs.Should().NotContain(r => r.TemplateId == withoutTarget.Template.Id);
    }
}
