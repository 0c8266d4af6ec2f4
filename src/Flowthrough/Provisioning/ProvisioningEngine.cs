using System.Diagnostics;
using Flowthrough.Data;
using Flowthrough.Subscribers;
using Flowthrough.Templates;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Flowthrough.Provisioning;

/// <summary>
/// Turns due subscribers (provisioning/updating, NextAttemptAt reached, no live lease) into provisioned ones:
/// customer organisation, person, package licence. Claims work in batches under a lease, commits a batch in
/// one transaction, and falls back to one row per transaction when a batch fails so one bad row cannot hold
/// up the rest.
/// </summary>
public sealed partial class ProvisioningEngine(
    IServiceScopeFactory scopes,
    IOptions<EngineOptions> options,
    ProvisioningSignal signal,
    TimeProvider time,
    ILogger<ProvisioningEngine> logger)
{
    private static readonly SemaphoreSlim SqliteClaimLock = new(1, 1);

    /// <summary>Claims and processes one batch; returns how many subscribers it claimed.</summary>
    public async Task<int> ProcessBatchAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FlowthroughDbContext>();
        var consentMail = scope.ServiceProvider.GetRequiredService<ConsentMail>();
        var claimed = await ClaimAsync(db, cancellationToken);
        if (claimed.Count == 0)
        {
            return 0;
        }

        var started = Stopwatch.GetTimestamp();
        try
        {
            await ProcessAsync(db, consentMail, claimed, cancellationToken);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            LogBatchFailed(logger, exception, claimed.Count);
            foreach (var seq in claimed)
            {
                await ProcessOneAsync(seq, cancellationToken);
            }
        }

        EngineMetrics.BatchDuration.Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
        return claimed.Count;
    }

    /// <summary>Leases up to a batch of due rows so no other worker (or node) takes them.</summary>
    internal async Task<List<long>> ClaimAsync(FlowthroughDbContext db, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var postgres = db.Database.IsNpgsql();
        // PostgreSQL lets many workers and nodes claim side by side; SQLite has one writer, and the lock keeps
        // this node's workers from claiming the same rows.
        var sql = EngineSql.Claim(postgres);
        if (!postgres)
        {
            await SqliteClaimLock.WaitAsync(cancellationToken);
        }

        try
        {
            return await db.Database
                .SqlQueryRaw<long>(sql, now + options.Value.LeaseDuration, now, options.Value.BatchSize)
                .ToListAsync(cancellationToken);
        }
        finally
        {
            if (!postgres)
            {
                SqliteClaimLock.Release();
            }
        }
    }

    /// <summary>Isolates one row after its batch failed: a row that still fails is retried later on its own.</summary>
    private async Task ProcessOneAsync(long seq, CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= MaxConflictRetries; attempt++)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<FlowthroughDbContext>();
            try
            {
                await ProcessAsync(db, scope.ServiceProvider.GetRequiredService<ConsentMail>(), [seq], cancellationToken);
                return;
            }
            catch (DbUpdateConcurrencyException)
            {
                // Changed meanwhile (an admin, the API, BroadWorks): the attempt is redone on the new state.
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
            {
                await RecordFailureAsync(db, seq, exception, cancellationToken);
                return;
            }
        }

        // Still changing under us: give the row back to the queue rather than hold it until the lease runs out.
        await using var last = scopes.CreateAsyncScope();
        await last.ServiceProvider.GetRequiredService<FlowthroughDbContext>().Database
            .ExecuteSqlRawAsync(EngineSql.ReleaseLease, [seq], cancellationToken);
    }

    private const int MaxConflictRetries = 3;

    /// <summary>
    /// A failed attempt: an unreachable identity service is error 7001, anything else an internal error (7000) whose
    /// reference is the trace id logged with the exception. Both are retried with backoff until the last attempt.
    /// </summary>
    private async Task RecordFailureAsync(FlowthroughDbContext db, long seq, Exception exception,
        CancellationToken cancellationToken)
    {
        var failure = ProvisioningFailure.Classify(exception);
        var reference = failure == ErrorCatalog.InternalError
            ? Activity.Current?.TraceId.ToHexString() ?? ActivityTraceId.CreateRandom().ToHexString()
            : null;
        LogAttemptFailed(logger, exception, seq, failure.Code, reference ?? "-");
        db.ChangeTracker.Clear();
        var subscriber = await db.Subscribers.FirstOrDefaultAsync(s => s.Seq == seq, cancellationToken);
        if (subscriber is null || subscriber.Status is not (SubscriberStatus.Provisioning or SubscriberStatus.Updating))
        {
            return;
        }

        subscriber.BeginAttempt();
        RetryOrFail(subscriber, failure, time.GetUtcNow().UtcDateTime, reference);
        subscriber.ReleaseLease();
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Changed meanwhile: the new state decides; the lease runs out and the row is claimed again if still due.
        }
    }

    private async Task ProcessAsync(FlowthroughDbContext db, ConsentMail consentMail, List<long> seqs,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var subscribers = await db.Subscribers.Where(s => seqs.Contains(s.Seq)).ToListAsync(cancellationToken);
        var templateIds = subscribers.Select(s => s.TemplateId).Distinct().ToList();
        var templates = await db.Templates.AsNoTracking().Where(t => templateIds.Contains(t.Id))
            .ToDictionaryAsync(t => t.Id, cancellationToken);
        var enterpriseKeys = subscribers.Select(s => s.SpEnterpriseId).Distinct().ToList();
        var partnerIds = subscribers.Select(s => s.PartnerId).Distinct().ToList();
        var organizations = (await db.Organizations
                .Where(o => partnerIds.Contains(o.PartnerId) && enterpriseKeys.Contains(o.SpEnterpriseId))
                .ToListAsync(cancellationToken))
            .ToDictionary(o => (o.PartnerId, o.SpEnterpriseId));
        var emails = subscribers.Where(s => s.NormalizedEmail is not null).Select(s => s.NormalizedEmail!).Distinct().ToList();
        var personIds = subscribers.Where(s => s.PersonId is not null).Select(s => s.PersonId!.Value).ToList();
        var people = await db.People.Where(p => emails.Contains(p.NormalizedEmail) || personIds.Contains(p.Id))
            .ToListAsync(cancellationToken);
        var peopleByEmail = people.ToDictionary(p => p.NormalizedEmail);
        var peopleById = people.ToDictionary(p => p.Id);
        var loadedPeople = people.Select(p => p.Id).ToList();
        // Which subscriber each person belongs to: one email is one subscriber per organisation.
        var owners = (await db.Subscribers.AsNoTracking()
                .Where(s => s.PersonId != null && loadedPeople.Contains(s.PersonId.Value))
                .Select(s => new { PersonId = s.PersonId!.Value, s.Id })
                .ToListAsync(cancellationToken))
            .DistinctBy(o => o.PersonId)
            .ToDictionary(o => o.PersonId, o => o.Id);
        var releasedOrganizations = new List<Guid>();
        var batch = new Batch(db, organizations, peopleByEmail, peopleById, owners, releasedOrganizations, consentMail, now);

        foreach (var subscriber in subscribers)
        {
            // The claim may be stale if the row changed between claim and load (deleted, moved on).
            if (subscriber.Status is not (SubscriberStatus.Provisioning or SubscriberStatus.Updating))
            {
                continue;
            }

            subscriber.BeginAttempt();
            EngineMetrics.Attempts.Inc();
            await ProvisionAsync(batch, subscriber, templates.GetValueOrDefault(subscriber.TemplateId), cancellationToken);
        }

        if (releasedOrganizations.Count > 0)
        {
            // Provision Admin First: the organisation's first user is in, so everyone held for it is due now.
            var held = await db.Subscribers
                .Where(s => s.OrganizationId != null && releasedOrganizations.Contains(s.OrganizationId.Value)
                    && s.BlockedReason == Subscriber.AwaitingFirstUser)
                .ToListAsync(cancellationToken);
            foreach (var subscriber in held)
            {
                subscriber.ReleaseHold(now);
            }
        }

        foreach (var subscriber in subscribers)
        {
            subscriber.ReleaseLease();
        }

        await db.SaveChangesAsync(cancellationToken);
        foreach (var subscriber in subscribers)
        {
            if (subscriber.Status == SubscriberStatus.Provisioned)
            {
                EngineMetrics.Provisioned.Inc();
            }
        }

        if (releasedOrganizations.Count > 0)
        {
            signal.Notify();
        }

        if (batch.MailQueued)
        {
            consentMail.NotifyRelay();
        }
    }

    private sealed class Batch(
        FlowthroughDbContext db,
        Dictionary<(Guid, string), CustomerOrganization> organizations,
        Dictionary<string, Person> peopleByEmail,
        Dictionary<Guid, Person> peopleById,
        Dictionary<Guid, Guid> owners,
        List<Guid> releasedOrganizations,
        ConsentMail consentMail,
        DateTime now)
    {
        public FlowthroughDbContext Db { get; } = db;
        public Dictionary<(Guid, string), CustomerOrganization> Organizations { get; } = organizations;
        public Dictionary<string, Person> PeopleByEmail { get; } = peopleByEmail;
        public Dictionary<Guid, Person> PeopleById { get; } = peopleById;

        /// <summary>Person id → the subscriber provisioned as that person.</summary>
        public Dictionary<Guid, Guid> Owners { get; } = owners;
        public List<Guid> ReleasedOrganizations { get; } = releasedOrganizations;
        public ConsentMail ConsentMail { get; } = consentMail;
        public DateTime Now { get; } = now;
        public bool MailQueued { get; set; }
    }

    private static async Task ProvisionAsync(Batch batch, Subscriber subscriber, OnboardingTemplate? template,
        CancellationToken cancellationToken)
    {
        var now = batch.Now;
        if (template is null)
        {
            Fail(subscriber, ErrorCatalog.TemplateMissing, now);
            return;
        }

        // An update of an already provisioned person: names and licence follow the subscriber.
        if (subscriber.Status == SubscriberStatus.Updating && subscriber.PersonId is { } existingId
            && batch.PeopleById.TryGetValue(existingId, out var existing))
        {
            ApplyLicence(existing, subscriber);
            subscriber.CompleteProvisioning(existing.Id, existing.OrganizationId ?? subscriber.OrganizationId ?? Guid.Empty, now);
            return;
        }

        if (subscriber.NormalizedEmail is null)
        {
            Fail(subscriber, ErrorCatalog.MissingParameter, now, "The subscriber has no email address to provision.");
            return;
        }

        if (!batch.Organizations.TryGetValue((subscriber.PartnerId, subscriber.SpEnterpriseId), out var organization))
        {
            if (!template.AutoCreateOrganizations)
            {
                Fail(subscriber, ErrorCatalog.OrganizationMissing, now);
                return;
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
            batch.Db.Organizations.Add(organization);
            batch.Organizations[(subscriber.PartnerId, subscriber.SpEnterpriseId)] = organization;
        }
        else if (!organization.FirstUserProvisioned && organization.FirstUserSubscriberId != subscriber.Id
                 && !await batch.Db.Subscribers.AnyAsync(s => s.Id == organization.FirstUserSubscriberId, cancellationToken))
        {
            // The intended first user was deleted before activating: the next one takes the role.
            organization.FirstUserSubscriberId = subscriber.Id;
        }

        var isFirstUser = organization.FirstUserSubscriberId == subscriber.Id;
        if (template.ProvisionAdminFirst && !organization.FirstUserProvisioned && !isFirstUser)
        {
            subscriber.HoldForFirstUser(organization.Id, now);
            return;
        }

        if (batch.PeopleByEmail.TryGetValue(subscriber.NormalizedEmail, out var person))
        {
            if (person.OrganizationId is { } personOrganization && personOrganization != organization.Id)
            {
                Fail(subscriber, ErrorCatalog.EmailInOtherOrganization, now);
                return;
            }

            if (batch.Owners.TryGetValue(person.Id, out var owner) && owner != subscriber.Id)
            {
                // A second BroadWorks user with the same email would silently share the first one's identity.
                Fail(subscriber, ErrorCatalog.EmailInUseBySubscriber, now);
                return;
            }

            if (person.OrganizationId is null)
            {
                if (subscriber.MigrationConsentAt is null)
                {
                    subscriber.RequireUserMigration(now);
                    await batch.ConsentMail.QueueAsync(batch.Db, subscriber, template, now, cancellationToken);
                    batch.MailQueued = true;
                    return;
                }

                person.OrganizationId = organization.Id;
            }
        }
        else
        {
            person = new Person
            {
                OrganizationId = organization.Id,
                Email = subscriber.Email!,
                NormalizedEmail = subscriber.NormalizedEmail,
                Created = now,
            };
            batch.Db.People.Add(person);
            batch.PeopleByEmail[person.NormalizedEmail] = person;
        }

        batch.Owners[person.Id] = subscriber.Id;
        ApplyLicence(person, subscriber);
        if (isFirstUser)
        {
            person.IsOrganizationAdmin = true;
            if (!organization.FirstUserProvisioned)
            {
                organization.FirstUserProvisioned = true;
                batch.ReleasedOrganizations.Add(organization.Id);
            }
        }

        subscriber.CompleteProvisioning(person.Id, organization.Id, now);
    }

    private static void ApplyLicence(Person person, Subscriber subscriber)
    {
        person.FirstName = subscriber.FirstName;
        person.LastName = subscriber.LastName;
        person.Package = subscriber.Package;
    }

    private static void Fail(Subscriber subscriber, ErrorDefinition error, DateTime now, string? description = null)
    {
        subscriber.Fail(error.Code, description ?? error.English, now);
        EngineMetrics.Failed.Inc();
    }

    /// <summary>Exponential backoff with ±20% jitter so that a burst of failures does not retry in lockstep.</summary>
    private void RetryOrFail(Subscriber subscriber, ErrorDefinition error, DateTime now, string? reference)
    {
        var settings = options.Value;
        var description = reference is null ? error.English : error.DescribeWithReference("en", reference);
        if (subscriber.Attempts >= settings.MaxAttempts)
        {
            subscriber.Fail(error.Code, $"{description} Gave up after {subscriber.Attempts} attempts.", now, reference);
            EngineMetrics.Failed.Inc();
            return;
        }

        var exponential = settings.RetryBaseDelay * Math.Pow(2, subscriber.Attempts - 1);
        var capped = exponential > settings.RetryMaxDelay ? settings.RetryMaxDelay : exponential;
#pragma warning disable CA5394 // Jitter needs no cryptographic randomness.
        var jittered = capped * (0.8 + (Random.Shared.NextDouble() * 0.4));
#pragma warning restore CA5394
        subscriber.ScheduleRetry(error.Code, description, now + jittered, now, reference);
        EngineMetrics.Retries.Inc();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A provisioning batch of {Count} failed; retrying its rows one by one")]
    private static partial void LogBatchFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Provisioning subscriber #{Seq} failed with error {ErrorCode} (reference {Reference}); it is retried while attempts remain")]
    private static partial void LogAttemptFailed(ILogger logger, Exception exception, long seq, int errorCode, string reference);
}
