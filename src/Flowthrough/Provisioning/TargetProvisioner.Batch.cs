using System.Diagnostics;
using Flowthrough.Data;
using Flowthrough.Provisioning.Targets;
using Flowthrough.Subscribers;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.Provisioning;

/// <summary>The batch path of <see cref="TargetProvisioner"/>, for targets that offer <see cref="IBatchProvisioningTarget"/>.</summary>
public sealed partial class TargetProvisioner
{
    /// <summary>
    /// The batch path, with the same decisions as <see cref="ProvisionAsync"/>: one look-up of every user the batch's
    /// subscribers may already have, then one write of every create and update. Returns the plans left to go one by
    /// one after it: a second subscriber with an email (or user) the batch writes, and the whole batch when its
    /// write fails, so that one bad row cannot hold up the rest (a batch of one keeps its failure: one call per attempt).
    /// </summary>
    private async Task<List<int>> AttemptBatchAsync(IBatchProvisioningTarget batch, IReadOnlyList<AttemptPlan> plans,
        List<int> indices, AttemptOutcome?[] outcomes, CancellationToken cancellationToken)
    {
        var later = new List<int>();
        var emails = new HashSet<string>(StringComparer.Ordinal);
        var mine = new List<int>();
        foreach (var i in indices)
        {
            if ((outcomes[i] = Check(plans[i])) is not null)
            {
                continue;
            }

            (emails.Add(plans[i].Subscriber.NormalizedEmail!) ? mine : later).Add(i);
        }

        if (mine.Count == 0)
        {
            return later;
        }

        using var activity = Operations.Telemetry.StartBatch("flowthrough.provisioning.batch",
            [.. mine.Select(i => plans[i].Subscriber.TraceParent)]);
        var trace = TargetCallTrace.Begin();
        try
        {
            var found = await batch.FindManyAsync([.. mine.Select(i => plans[i].Subscriber.Id.ToString())],
                [.. mine.Select(i => plans[i].Subscriber.Email!)], cancellationToken);
            var byExternalId = found.Where(u => u.ExternalId is not null).DistinctBy(u => u.ExternalId).ToDictionary(u => u.ExternalId!);
            var byUserName = found.DistinctBy(u => u.UserName).ToDictionary(u => u.UserName);
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<FlowthroughDbContext>();
            var owners = await ExistingSubscribersAsync(db, found, cancellationToken);
            var writes = new List<TargetWrite>();
            var writers = new List<int>();
            var written = new HashSet<string>(StringComparer.Ordinal);
            foreach (var i in mine)
            {
                var plan = plans[i];
                var where = plan.TargetOrganization!;
                var data = TargetUserData.From(plan.Subscriber, where, IsFirstUser(plan));
                string? id = null;
                if (byExternalId.TryGetValue(data.ExternalId, out var user))
                {
                    id = user.Id;
                }
                else if (byUserName.TryGetValue(Subscriber.NormalizeEmail(data.UserName), out var existing))
                {
                    var decision = await DecideAsync(plan, where, existing, owner => Task.FromResult(owners.Contains(owner)),
                        key => IsCustomerOrganizationAsync(db, plan.Subscriber.PartnerId, key, cancellationToken));
                    if (decision is not null)
                    {
                        outcomes[i] = decision with { Target = Describe(plan.Target, trace) };
                        continue;
                    }

                    id = existing.Id;
                }

                if (id is not null && !written.Add(id))
                {
                    later.Add(i);
                    continue;
                }

                writes.Add(new TargetWrite(id, where, data));
                writers.Add(i);
            }

            IReadOnlyList<TargetUser> users = writes.Count == 0 ? [] : await batch.WriteManyAsync(writes, cancellationToken);
            for (var k = 0; k < writers.Count; k++)
            {
                var plan = plans[writers[k]];
                outcomes[writers[k]] = new AttemptOutcome.Provisioned(users[k].Id,
                    plan.Target.IsBuiltIn && Guid.TryParse(users[k].Id, out var personId) ? personId : null, IsFirstUser(plan))
                {
                    Target = Describe(plan.Target, trace),
                };
            }
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            if (mine.Count == 1 && exception is not TargetConflictException)
            {
                outcomes[mine[0]] = Thrown(plans[mine[0]], exception, trace);
            }
            else
            {
                // Another worker created one of the users meanwhile, or one row is bad: each goes on its own.
                foreach (var i in mine)
                {
                    outcomes[i] = null;
                }

                later.AddRange(mine);
            }
        }

        return later;
    }

    /// <summary>Which of the subscribers the found users were made for still exist: one query for the batch.</summary>
    private static async Task<HashSet<Guid>> ExistingSubscribersAsync(FlowthroughDbContext db, IReadOnlyList<TargetUser> found,
        CancellationToken cancellationToken)
    {
        var ids = found.Select(u => Guid.TryParse(u.ExternalId, out var id) ? id : (Guid?)null).OfType<Guid>().Distinct().ToList();
        return ids.Count == 0
            ? []
            : [.. await db.Subscribers.AsNoTracking().Where(s => ids.Contains(s.Id)).Select(s => s.Id).ToListAsync(cancellationToken)];
    }
}
