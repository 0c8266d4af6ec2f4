using BroadWorksSimulator;
using Flowthrough.BroadWorks.Ocip;
using Flowthrough.BroadWorks.Sync;
using Flowthrough.Subscribers;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.Tests.BroadWorks.Sync;

public sealed class OcipSyncTests
{
    [Fact]
    public async Task A_sync_of_10000_users_in_20_groups_creates_exactly_the_active_ones_and_removes_switched_off_ones_after_two_runs()
    {
        await using var fixture = await SyncFixture.StartAsync(users: 10_000, groups: 20);
        var active = fixture.ActiveByGroup();

        var first = await fixture.SyncAsync();

        first.Outcome.Should().Be(SyncOutcome.Complete, first.Message);
        first.Groups.Should().Be(20);
        first.Seen.Should().Be(10_000);
        first.Entitled.Should().Be(5_000);
        first.Created.Should().Be(5_000);
        first.Failed.Should().Be(0, first.Message);
        var byTemplate = await fixture.SubscribersByTemplateAsync();
        byTemplate[fixture.SecondTemplateId].Should().BeEquivalentTo(active[fixture.LastGroup]);
        byTemplate[fixture.Partner.Template.Id].Should().BeEquivalentTo(
            active.Where(g => g.Key != fixture.LastGroup).SelectMany(g => g));

        // Integrated IM&P switched off for ten users: the first complete run only counts them as missed.
        var switchedOff = active["gen-group-03"].Take(10).ToList();
        foreach (var userId in switchedOff)
        {
            fixture.Store.Update(userId, s => s with { ImpActive = false, ImpAssigned = false });
        }

        var second = await fixture.SyncAsync();
        second.Outcome.Should().Be(SyncOutcome.Complete, second.Message);
        second.Created.Should().Be(0);
        second.Updated.Should().Be(0);
        second.Removed.Should().Be(0);
        (await fixture.SubscribersByTemplateAsync())[fixture.Partner.Template.Id].Should().Contain(switchedOff);

        var third = await fixture.SyncAsync();
        third.Removed.Should().Be(10);
        var after = (await fixture.SubscribersByTemplateAsync())[fixture.Partner.Template.Id];
        after.Should().NotContain(switchedOff);
        after.Should().HaveCount(5_000 - active[fixture.LastGroup].Count() - 10);

        await using var db = fixture.App.CreateDbContext();
        var actors = await db.SubscriberEvents.AsNoTracking().Where(e => e.Kind == "deleted").Select(e => e.Actor).ToListAsync();
        actors.Should().Contain(Actors.Sync(third.Id));
    }

    [Fact]
    public async Task A_user_seen_again_between_two_misses_is_kept()
    {
        await using var fixture = await SyncFixture.StartAsync(users: 40, groups: 2);
        await fixture.SyncAsync();
        var userId = fixture.ActiveByGroup()["gen-group-01"].First();

        fixture.Store.Update(userId, s => s with { ImpActive = false });
        (await fixture.SyncAsync()).Removed.Should().Be(0);
        fixture.Store.Update(userId, s => s with { ImpActive = true });
        (await fixture.SyncAsync()).Removed.Should().Be(0);
        fixture.Store.Update(userId, s => s with { ImpActive = false });
        (await fixture.SyncAsync()).Removed.Should().Be(0, "the count started over when the user was found again");

        (await fixture.SubscribersByTemplateAsync())[fixture.Partner.Template.Id].Should().Contain(userId);
    }

    [Fact]
    public async Task An_unreachable_AS_or_a_failing_group_removes_nothing_and_the_report_says_why()
    {
        await using var fixture = await SyncFixture.StartAsync(users: 60, groups: 3);
        (await fixture.SyncAsync()).Created.Should().Be(30);
        var everyone = fixture.Store.All().Where(s => s.ImpActive).Select(s => s.UserId).ToList();
        foreach (var userId in everyone)
        {
            fixture.Store.Update(userId, s => s with { ImpActive = false });
        }

        fixture.Faults.Apply(new FaultsChange(null, null, null, null, null, null, OcipDropConnection: true));
        var unreachable = await fixture.SyncAsync();
        unreachable.Outcome.Should().Be(SyncOutcome.Failed);
        unreachable.Removed.Should().Be(0);
        unreachable.Message.Should().NotBeNullOrEmpty();

        fixture.Faults.Apply(new FaultsChange(null, null, null, null, null, null, OcipDropConnection: false, OcipErrorGroup: "gen-group-02"));
        for (var run = 0; run < 2; run++)
        {
            var incomplete = await fixture.SyncAsync();
            incomplete.Outcome.Should().Be(SyncOutcome.Incomplete);
            incomplete.GroupsFailed.Should().Be(1);
            incomplete.Removed.Should().Be(0);
            incomplete.Message.Should().Contain("gen-group-02");
        }

        (await fixture.SubscribersByTemplateAsync()).Values.Sum(s => s.Count).Should().Be(30);
    }

    [Fact]
    public async Task A_wrong_OCI_P_password_fails_the_run_with_a_clear_message()
    {
        await using var fixture = await SyncFixture.StartAsync(users: 10, groups: 1);
        await fixture.PointAtSimulatorAsync(OcipTransport.Tcp, "Wrong-Password-1!", trustCertificate: false);

        var run = await fixture.SyncAsync();

        run.Outcome.Should().Be(SyncOutcome.Failed);
        run.Message.Should().ContainEquivalentOf("password");
        run.Message.Should().NotContain("Wrong-Password-1!");
        (await fixture.SubscribersByTemplateAsync()).Should().BeEmpty();
    }

    [Theory]
    [InlineData(OcipTransport.Tls)]
    [InlineData(OcipTransport.Soap)]
    public async Task Sync_works_over_TLS_with_a_trusted_self_signed_certificate_and_over_SOAP(OcipTransport transport)
    {
        await using var fixture = await SyncFixture.StartAsync(users: 20, groups: 2);
        await fixture.PointAtSimulatorAsync(transport, SyncFixture.AdminPassword, trustCertificate: true);

        var run = await fixture.SyncAsync();

        run.Outcome.Should().Be(SyncOutcome.Complete, run.Message);
        run.Created.Should().Be(10);
    }

    [Fact]
    public async Task TLS_without_trusting_the_self_signed_certificate_fails_and_names_the_certificate()
    {
        await using var fixture = await SyncFixture.StartAsync(users: 4, groups: 1);
        await fixture.PointAtSimulatorAsync(OcipTransport.Tls, SyncFixture.AdminPassword, trustCertificate: false);

        var run = await fixture.SyncAsync();

        run.Outcome.Should().Be(SyncOutcome.Failed);
        run.Message.Should().ContainEquivalentOf("certificate");
    }
}
