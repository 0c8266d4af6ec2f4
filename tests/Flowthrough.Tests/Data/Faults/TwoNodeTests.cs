using Flowthrough.Data;
using Flowthrough.Subscribers;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.Tests.Data.Faults;

/// <summary>
/// Two nodes on one PostgreSQL database. Work committed on one node wakes the other at once (LISTEN/NOTIFY, not the
/// poll), and with both running workers, relay and sync, every subscriber is provisioned once and every email sent once.
/// </summary>
public sealed class TwoNodeTests
{
    private static void RequirePostgres()
    {
        if (TestDatabase.Provider != DatabaseProvider.Postgres)
        {
            Assert.Skip("Two nodes share a PostgreSQL database; SQLite is one node.");
        }
    }

    private static async Task WaitListeningAsync(FlowthroughApplication node) =>
        await Eventually.HoldsAsync(() => Task.FromResult(node.Service<ClusterWakeUp>().Listening),
            "the node listens for the other nodes' wake-ups");

    [Fact]
    public async Task Work_accepted_on_one_node_is_picked_up_by_the_other_without_waiting_for_its_poll()
    {
        RequirePostgres();
        // Polls a minute apart, longer than the wait below: only the NOTIFY can wake node B in time. Node A takes
        // intake only (no engine, no relay work).
        var slow = new Dictionary<string, string?>
        {
            ["Engine:PollInterval"] = "00:01:00",
            ["Email:PollInterval"] = "00:01:00",
            ["Engine:Workers"] = "0",
        };
        await using var nodeA = await FlowthroughApplication.CreateAsync(slow);
        await using var nodeB = nodeA.AnotherNode(new Dictionary<string, string?> { ["Engine:Workers"] = "1" });
        var partner = await nodeA.CreatePartnerAsync(FaultIntake.Trusted);
        using var bridgeA = FaultIntake.Bridge(nodeA.CreateClient());
        await WaitListeningAsync(nodeA);
        await WaitListeningAsync(nodeB);
        // The worker's first pass at start-up found nothing; now it sleeps until woken or polled.
        await using (var db = nodeA.CreateDbContext())
        {
            (await db.Subscribers.CountAsync(TestContext.Current.CancellationToken)).Should().Be(0);
        }

        (await FaultIntake.SendBatchAsync(bridgeA, partner.Template.ProvisioningId, 0, 3)).Should().BeTrue();

        await Eventually.HoldsAsync(async () =>
        {
            await using var db = nodeA.CreateDbContext();
            return await db.Subscribers.CountAsync(s => s.Status == SubscriberStatus.Provisioned) == 3;
        }, "node B provisions what node A accepted, woken by node A's NOTIFY", TimeSpan.FromSeconds(45));
    }

    [Fact]
    public async Task Two_nodes_with_workers_relay_and_sync_provision_every_subscriber_once_and_send_every_email_once()
    {
        RequirePostgres();
        var count = int.TryParse(Environment.GetEnvironmentVariable("FLOWTHROUGH_TWO_NODE_SUBSCRIBERS"), out var n) ? n : 200;
        var emails = count / 2;
        var busy = new Dictionary<string, string?>
        {
            ["Engine:Workers"] = "2",
            ["Engine:BatchSize"] = "20",
            ["Email:BatchSize"] = "10",
            ["Sync:Enabled"] = "true",
        };
        await using var nodeA = await FlowthroughApplication.CreateAsync(busy);
        await using var nodeB = nodeA.AnotherNode();
        var partner = await nodeA.CreatePartnerAsync(FaultIntake.Trusted);
        using var bridgeA = FaultIntake.Bridge(nodeA.CreateClient());
        using var bridgeB = FaultIntake.Bridge(nodeB.CreateClient());
        await using (var db = nodeA.CreateDbContext())
        {
            await FaultIntake.QueueEmailsAsync(db, partner.Partner.Id, emails);
        }

        // Batches of ten alternate between the nodes, a few at a time, while both engines and relays run.
        const int batch = 10;
        var batches = Enumerable.Range(0, (count + batch - 1) / batch).ToList();
        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (b, _) =>
        {
            var bridge = b % 2 == 0 ? bridgeA : bridgeB;
            (await FaultIntake.SendBatchAsync(bridge, partner.Template.ProvisioningId, b * batch,
                Math.Min(batch, count - (b * batch)))).Should().BeTrue();
        });
        nodeB.Service<OutboxSignal>().Notify();

        await Eventually.HoldsAsync(async () =>
        {
            await using var db = nodeA.CreateDbContext();
            return await db.Subscribers.CountAsync(s => s.Status == SubscriberStatus.Provisioned) == count
                && await db.Outbox.CountAsync(m => m.Status == Flowthrough.Email.OutboxStatus.Sent) == emails;
        }, "both nodes drain the work", TimeSpan.FromSeconds(120));

        await using (var db = nodeA.CreateDbContext())
        {
            await FaultIntake.AssertProvisionedOnceAsync(db, count);
            var deliveries = await FaultIntake.AssertEmailsSentAsync(db, nodeA.MailDirectory, emails);
            deliveries.Values.Should().OnlyContain(files => files == 1, "no email is sent twice by the two relays");
        }
    }
}
