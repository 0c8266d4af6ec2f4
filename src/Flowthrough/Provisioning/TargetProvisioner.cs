using System.Diagnostics;
using Flowthrough.Data;
using Flowthrough.Provisioning.Targets;
using Flowthrough.Subscribers;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.Provisioning;

/// <summary>
/// The middle of an attempt, outside any transaction: puts subscribers into their targets. Looks each user up by
/// external id (the subscriber id) and by user name before creating, so an attempt repeated after a crash between
/// the call and the commit finds the user the first one made. A target with batch calls (the built-in directory)
/// takes a whole batch in one look-up and one write; any other is called subscriber by subscriber.
/// </summary>
public sealed partial class TargetProvisioner(IServiceScopeFactory scopes)
{
    /// <summary>Subscribers of one batch whose target calls run side by side; each target's gate bounds its own share.</summary>
    private const int CallParallelism = 16;

    /// <summary>Every plan's outcome, in the order of <paramref name="plans"/> (claimed rows, oldest first).</summary>
    public async Task<AttemptOutcome[]> AttemptAllAsync(IReadOnlyList<AttemptPlan> plans, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plans);
        var outcomes = new AttemptOutcome?[plans.Count];
        var oneByOne = new List<int>();
        foreach (var group in Enumerable.Range(0, plans.Count).GroupBy(i => (plans[i].Target.Target as GatedTarget)?.Batch))
        {
            if (group.Key is { } batch)
            {
                oneByOne.AddRange(await AttemptBatchAsync(batch, plans, [.. group], outcomes, cancellationToken));
            }
            else
            {
                oneByOne.AddRange(group);
            }
        }

        // Subscribers sharing an email go one after another, oldest first, so the first to arrive gets the identity.
        var byEmail = oneByOne.Order().GroupBy(i => plans[i].Subscriber.NormalizedEmail ?? $"#{i}");
        await Parallel.ForEachAsync(byEmail,
            new ParallelOptions { MaxDegreeOfParallelism = CallParallelism, CancellationToken = cancellationToken },
            async (group, token) =>
            {
                foreach (var i in group)
                {
                    outcomes[i] = await AttemptAsync(plans[i], token);
                }
            });
        cancellationToken.ThrowIfCancellationRequested();
        return [.. outcomes.Select(o => o!)];
    }

    public async Task<AttemptOutcome> AttemptAsync(AttemptPlan plan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (Check(plan) is { } early)
        {
            return early;
        }

        // The engine runs outside any request: each attempt gets its own trace, sent to the target as traceparent and
        // kept on the timeline, so the target's logs and ours can be matched.
        using var activity = Operations.Telemetry.StartContinuing("flowthrough.provisioning.attempt", plan.Subscriber.TraceParent);
        activity.SetTag("flowthrough.target", plan.Target.Name);
        var trace = TargetCallTrace.Begin();
        try
        {
            var outcome = await ProvisionAsync(plan, plan.TargetOrganization!, IsFirstUser(plan), cancellationToken);
            return outcome with { Target = Describe(plan.Target, trace) };
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            return Thrown(plan, exception, trace);
        }
    }

    /// <summary>What needs no call: a row that moved on, a missing template, email or organisation, a held user.</summary>
    private static AttemptOutcome? Check(AttemptPlan plan)
    {
        var subscriber = plan.Subscriber;
        if (subscriber.Status is not (SubscriberStatus.Provisioning or SubscriberStatus.Updating))
        {
            return new AttemptOutcome.Skipped();
        }

        if (plan.Template is not { } template)
        {
            return new AttemptOutcome.Failed(ErrorCatalog.TemplateMissing);
        }

        if (subscriber.NormalizedEmail is null)
        {
            return new AttemptOutcome.Failed(ErrorCatalog.MissingParameter, "The subscriber has no email address to provision.");
        }

        if (plan.Organization is not { } organization || plan.TargetOrganization is null)
        {
            return new AttemptOutcome.Failed(ErrorCatalog.OrganizationMissing);
        }

        return template.ProvisionAdminFirst && !organization.FirstUserProvisioned && !IsFirstUser(plan)
            && subscriber.Status == SubscriberStatus.Provisioning
            ? new AttemptOutcome.Held(organization.Id)
            : null;
    }

    private static bool IsFirstUser(AttemptPlan plan) => plan.Organization!.FirstUserSubscriberId == plan.Subscriber.Id;

    private static AttemptOutcome Thrown(AttemptPlan plan, Exception exception, TargetCallTrace trace)
    {
        var target = Describe(plan.Target, trace);
        return exception is TargetRejectedException rejected
            ? new AttemptOutcome.Failed(ErrorCatalog.TargetRejected,
                $"{ErrorCatalog.TargetRejected.English} {plan.Target.Name} said: {rejected.Detail}") { Target = target }
            : new AttemptOutcome.Threw(exception) { Target = target };
    }

    private async Task<AttemptOutcome> ProvisionAsync(AttemptPlan plan, TargetOrganization where, bool firstUser,
        CancellationToken cancellationToken)
    {
        var subscriber = plan.Subscriber;
        var target = plan.Target.Target;
        var data = TargetUserData.From(subscriber, where, firstUser);
        var isNew = false;
        var user = await target.FindByExternalIdAsync(where, data.ExternalId, cancellationToken);
        if (user is not null)
        {
            user = await target.UpdateAsync(where, user.Id, data, cancellationToken);
        }
        else
        {
            var existing = await target.FindByUserNameAsync(where, data.UserName, cancellationToken);
            if (existing is null)
            {
                try
                {
                    user = await target.CreateAsync(where, data, cancellationToken);
                    isNew = true;
                }
                catch (TargetConflictException conflict)
                {
                    // Created meanwhile by someone else (or invisible to the filter until now): decide on it as found.
                    existing = await target.FindByUserNameAsync(where, data.UserName, cancellationToken)
                        ?? throw new TargetUnavailableException($"{conflict.Message} The user could not be found afterwards.",
                            conflict.Status, conflict.TraceId);
                }
            }

            if (user is null)
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<FlowthroughDbContext>();
                var decision = await DecideAsync(plan, where, existing!,
                    owner => db.Subscribers.AsNoTracking().AnyAsync(s => s.Id == owner, cancellationToken),
                    key => IsCustomerOrganizationAsync(db, subscriber.PartnerId, key, cancellationToken));
                if (decision is not null)
                {
                    return decision;
                }

                user = await target.UpdateAsync(where, existing!.Id, data, cancellationToken);
            }
        }

        await target.SetPackageAsync(where, user, subscriber.Package, isNew, cancellationToken);
        return new AttemptOutcome.Provisioned(user.Id, plan.Target.IsBuiltIn && Guid.TryParse(user.Id, out var personId) ? personId : null,
            firstUser);
    }

    /// <summary>
    /// A user with the subscriber's email exists that this subscriber did not create. Null means link it: it is in
    /// the subscriber's organisation (or its owner consented to the move). Otherwise why not.
    /// </summary>
    private static async Task<AttemptOutcome?> DecideAsync(AttemptPlan plan, TargetOrganization where, TargetUser existing,
        Func<Guid, Task<bool>> subscriberExists, Func<string, Task<bool>> isCustomerOrganization)
    {
        if (string.Equals(existing.ExternalId, plan.Subscriber.Id.ToString(), StringComparison.OrdinalIgnoreCase))
        {
            // Made by this subscriber's own earlier create whose answer was lost (a timeout while the target was slow),
            // which then landed after the look-up by externalId, before it joined the organisation: it is ours to link.
            return null;
        }

        var key = plan.Target.IsBuiltIn ? where.Id.ToString() : where.Name;
        if (!string.Equals(existing.Organization, key, StringComparison.OrdinalIgnoreCase))
        {
            if (!string.IsNullOrEmpty(existing.Organization) && await isCustomerOrganization(existing.Organization))
            {
                return new AttemptOutcome.Failed(ErrorCatalog.EmailInOtherOrganization);
            }
        }
        else if (Guid.TryParse(existing.ExternalId, out var ownerId) && ownerId != plan.Subscriber.Id && await subscriberExists(ownerId))
        {
            // A second BroadWorks user with the same email would silently share the first one's identity.
            return new AttemptOutcome.Failed(ErrorCatalog.EmailInUseBySubscriber);
        }
        else
        {
            return null;
        }

        return plan.Subscriber.MigrationConsentAt is null ? new AttemptOutcome.NeedsConsent() : null;
    }

    /// <summary>
    /// Whether the user's organisation is a customer organisation, which the user cannot be moved out of. In the
    /// built-in directory every organisation is one (its key is an organisation id); in a SCIM target only the
    /// partner's own customer organisations are, by name: any other user is outside them, and consent moves it.
    /// </summary>
    private static async Task<bool> IsCustomerOrganizationAsync(FlowthroughDbContext db, Guid partnerId, string key,
        CancellationToken cancellationToken) =>
        Guid.TryParse(key, out _)
        || await db.Organizations.AsNoTracking().AnyAsync(o => o.PartnerId == partnerId && o.Name == key, cancellationToken);

    private static object Describe(ResolvedTarget target, TargetCallTrace trace) =>
        new { name = target.Name, status = trace.Status, traceId = trace.TraceId, calls = trace.Calls };
}
