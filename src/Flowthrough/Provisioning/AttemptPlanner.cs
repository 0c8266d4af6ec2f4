using Flowthrough.Data;
using Flowthrough.Provisioning.Targets;
using Flowthrough.Subscribers;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.Provisioning;

/// <summary>
/// The first short unit of work of a batch: loads the claimed subscribers, makes sure each one's customer
/// organisation exists (and who its first user is), and finds each template's target. Nothing here calls a target.
/// </summary>
public sealed class AttemptPlanner(ProvisioningTargets targets, TimeProvider time)
{
    public async Task<List<AttemptPlan>> PlanAsync(FlowthroughDbContext db, IReadOnlyList<long> seqs,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var now = time.GetUtcNow().UtcDateTime;
        var subscribers = await db.Subscribers.AsNoTracking().Where(s => seqs.Contains(s.Seq)).OrderBy(s => s.Seq)
            .ToListAsync(cancellationToken);
        var templateIds = subscribers.Select(s => s.TemplateId).Distinct().ToList();
        var templates = await db.Templates.AsNoTracking().Where(t => templateIds.Contains(t.Id))
            .ToDictionaryAsync(t => t.Id, cancellationToken);
        var resolved = new Dictionary<Guid, ResolvedTarget>();
        foreach (var template in templates.Values)
        {
            resolved[template.Id] = await targets.ForTargetIdAsync(db, template.TargetId, cancellationToken);
        }

        var organizations = await OrganizationsAsync(db, subscribers, templates, now, cancellationToken);
        var byId = organizations.Values.ToDictionary(o => o.Id);
        return [.. subscribers.Select(s =>
        {
            var template = templates.GetValueOrDefault(s.TemplateId);
            var organization = s.OrganizationId is { } id && byId.GetValueOrDefault(id) is { } current
                ? current
                : organizations.GetValueOrDefault((s.PartnerId, s.SpEnterpriseId));
            return new AttemptPlan(s, template, organization, template is null ? targets.BuiltIn : resolved[template.Id]);
        })];
    }

    /// <summary>
    /// The organisations of the batch, created where a template allows it. A concurrent worker may create the same
    /// one first: the unique index refuses ours and theirs is read back.
    /// </summary>
    private static async Task<Dictionary<(Guid, string), CustomerOrganization>> OrganizationsAsync(FlowthroughDbContext db,
        List<Subscriber> subscribers, Dictionary<Guid, Templates.OnboardingTemplate> templates, DateTime now,
        CancellationToken cancellationToken)
    {
        var working = subscribers.Where(s => s.Status is SubscriberStatus.Provisioning or SubscriberStatus.Updating).ToList();
        var enterpriseKeys = working.Select(s => s.SpEnterpriseId).Distinct().ToList();
        var partnerIds = working.Select(s => s.PartnerId).Distinct().ToList();
        var organizationIds = working.Where(s => s.OrganizationId is not null).Select(s => s.OrganizationId!.Value).ToList();
        var inBatch = working.Select(s => s.Id).ToHashSet();
        // Whether an organisation's intended first user still exists, asked once per organisation, not per subscriber.
        var firstUserExists = new Dictionary<Guid, bool>();
        for (var attempt = 1; ; attempt++)
        {
            db.ChangeTracker.Clear();
            var organizations = (await db.Organizations
                    .Where(o => (partnerIds.Contains(o.PartnerId) && enterpriseKeys.Contains(o.SpEnterpriseId)) || organizationIds.Contains(o.Id))
                    .ToListAsync(cancellationToken))
                .ToDictionary(o => (o.PartnerId, o.SpEnterpriseId));
            foreach (var subscriber in working.Where(s => s.NormalizedEmail is not null))
            {
                var key = (subscriber.PartnerId, subscriber.SpEnterpriseId);
                if (!organizations.TryGetValue(key, out var organization))
                {
                    if (templates.GetValueOrDefault(subscriber.TemplateId) is not { AutoCreateOrganizations: true } template)
                    {
                        continue;
                    }

                    organization = new CustomerOrganization
                    {
                        PartnerId = subscriber.PartnerId,
                        TemplateId = template.Id,
                        SpEnterpriseId = subscriber.SpEnterpriseId,
                        Name = subscriber.SpEnterpriseId,
                        FirstUserSubscriberId = subscriber.Id,
                        Created = now,
                    };
                    db.Organizations.Add(organization);
                    organizations[key] = organization;
                }
                else if (!organization.FirstUserProvisioned && organization.FirstUserSubscriberId != subscriber.Id
                         && !(organization.FirstUserSubscriberId is { } intended
                              && (inBatch.Contains(intended) || await ExistsAsync(db, intended, firstUserExists, cancellationToken))))
                {
                    // The intended first user was deleted before activating: the next one takes the role.
                    organization.FirstUserSubscriberId = subscriber.Id;
                }
            }

            try
            {
                await db.SaveChangesAsync(cancellationToken);
                db.ChangeTracker.Clear();
                return organizations;
            }
            catch (DbUpdateException exception) when (attempt < 3
                && (exception.IsUniqueViolation() || exception is DbUpdateConcurrencyException))
            {
                // Another worker created or changed one of them meanwhile: read them again.
            }
        }
    }

    private static async Task<bool> ExistsAsync(FlowthroughDbContext db, Guid subscriberId, Dictionary<Guid, bool> known,
        CancellationToken cancellationToken)
    {
        if (!known.TryGetValue(subscriberId, out var exists))
        {
            known[subscriberId] = exists = await db.Subscribers.AnyAsync(s => s.Id == subscriberId, cancellationToken);
        }

        return exists;
    }
}
