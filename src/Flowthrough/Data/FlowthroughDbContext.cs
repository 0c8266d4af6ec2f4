using Flowthrough.Clusters;
using Flowthrough.Email;
using Flowthrough.Partners;
using Flowthrough.Provisioning;
using Flowthrough.Subscribers;
using Flowthrough.Templates;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Flowthrough.Data;

public class FlowthroughDbContext : DbContext, IDataProtectionKeyContext
{
    protected FlowthroughDbContext(DbContextOptions options)
        : base(options)
    {
    }

    public DbSet<Partner> Partners => Set<Partner>();
    public DbSet<PartnerAdmin> PartnerAdmins => Set<PartnerAdmin>();
    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();
    public DbSet<BroadWorksCluster> Clusters => Set<BroadWorksCluster>();
    public DbSet<ClusterMapping> ClusterMappings => Set<ClusterMapping>();
    public DbSet<BroadWorks.Sync.SyncRun> SyncRuns => Set<BroadWorks.Sync.SyncRun>();
    public DbSet<BroadWorks.Sync.SyncMiss> SyncMisses => Set<BroadWorks.Sync.SyncMiss>();
    public DbSet<OnboardingTemplate> Templates => Set<OnboardingTemplate>();
    public DbSet<CustomerOrganization> Organizations => Set<CustomerOrganization>();
    public DbSet<Person> People => Set<Person>();
    public DbSet<Provisioning.Targets.ProvisioningTarget> ProvisioningTargets => Set<Provisioning.Targets.ProvisioningTarget>();
    public DbSet<Provisioning.Targets.TargetRemoval> TargetRemovals => Set<Provisioning.Targets.TargetRemoval>();
    public DbSet<Subscriber> Subscribers => Set<Subscriber>();
    public DbSet<SubscriberEvent> SubscriberEvents => Set<SubscriberEvent>();
    public DbSet<EmailVerification> EmailVerifications => Set<EmailVerification>();
    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();
    public DbSet<AdminAuditEvent> AdminAuditEvents => Set<AdminAuditEvent>();
    public DbSet<AdminInvitation> AdminInvitations => Set<AdminInvitation>();
    public DbSet<IdempotencyRecord> IdempotencyRecords => Set<IdempotencyRecord>();
    public DbSet<TemplateStatusCount> TemplateStatusCounts => Set<TemplateStatusCount>();
    public DbSet<PartnerHub.Users.BulkJobs.BulkJob> BulkJobs => Set<PartnerHub.Users.BulkJobs.BulkJob>();
    public DbSet<Provisioning.Targets.Reconciliation.ReconciliationRun> ReconciliationRuns => Set<Provisioning.Targets.Reconciliation.ReconciliationRun>();
    public DbSet<Provisioning.Targets.Reconciliation.ReconciliationItem> ReconciliationItems => Set<Provisioning.Targets.Reconciliation.ReconciliationItem>();
    public DbSet<Provisioning.Targets.Reconciliation.ReconciliationIgnore> ReconciliationIgnores => Set<Provisioning.Targets.Reconciliation.ReconciliationIgnore>();
    public DbSet<Provisioning.Targets.Reconciliation.ReconciliationLease> ReconciliationLeases => Set<Provisioning.Targets.Reconciliation.ReconciliationLease>();

    /// <summary>Data-protection keys (cookies, antiforgery) shared by every node.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    /// <summary>The claim filter of the engine's partial index; identical SQL on SQLite and PostgreSQL (see <see cref="EngineSql"/>).</summary>
    public const string DueSubscriberFilter = EngineSql.DueSubscriberFilter;

    public const string DueOutboxFilter = "\"Status\" IN ('Queued', 'Sending') AND \"NextAttemptAt\" IS NOT NULL";

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);
        // Every timestamp is UTC; SQLite forgets the kind on the way back, so it is restored on read.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<UtcConverter>();
        configurationBuilder.Properties<SubscriberStatus>().HaveConversion<string>().HaveMaxLength(32);
        configurationBuilder.Properties<SubscriberPackage>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<SubscriberSource>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<OutboxStatus>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<EmailKind>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<VerificationPurpose>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<EmailTrust>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<AuthenticationMode>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<PartnerAdminRole>().HaveConversion<string>().HaveMaxLength(16);
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);

        modelBuilder.Entity<Partner>(e =>
        {
            e.Property(p => p.Name).HasMaxLength(200);
            // create-partner refuses a duplicate name; the index settles two racing ones.
            e.HasIndex(p => p.Name).IsUnique();
        });

        modelBuilder.Entity<PartnerAdmin>(e =>
        {
            e.Property(a => a.Email).HasMaxLength(254);
            e.HasIndex(a => a.Email).IsUnique();
            e.HasOne<Partner>().WithMany().HasForeignKey(a => a.PartnerId);
            e.Property(a => a.PasswordHash).HasMaxLength(200);
            e.Ignore(a => a.IsPending);
        });

        modelBuilder.Entity<AdminInvitation>(e =>
        {
            e.Property(i => i.TokenHash).HasMaxLength(64);
            e.HasIndex(i => i.TokenHash).IsUnique();
            e.HasIndex(i => i.AdminId);
            // Removing an admin takes their open links with them.
            e.HasOne<PartnerAdmin>().WithMany().HasForeignKey(i => i.AdminId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<ApiToken>(e =>
        {
            e.Property(t => t.Name).HasMaxLength(200);
            e.Property(t => t.TokenHash).HasMaxLength(64);
            e.Property(t => t.Scopes).HasMaxLength(500);
            e.HasIndex(t => t.TokenHash).IsUnique();
            e.HasIndex(t => t.PartnerId);
            e.HasOne<Partner>().WithMany().HasForeignKey(t => t.PartnerId);
            e.Ignore(t => t.ScopeList);
        });

        modelBuilder.Entity<BroadWorksCluster>(e =>
        {
            e.Property(c => c.Name).HasMaxLength(200);
            e.Property(c => c.XsiActionsUrl).HasMaxLength(2000);
            e.Property(c => c.AuthServiceUrl).HasMaxLength(2000);
            e.Property(c => c.OcipHost).HasMaxLength(253);
            e.Property(c => c.OcipTransport).HasConversion<string>().HasMaxLength(16);
            e.Property(c => c.OcipUserId).HasMaxLength(161);
            e.Property(c => c.OcipPasswordProtected).HasMaxLength(4000);
            e.Property(c => c.OcipCertificateSha256).HasMaxLength(100);
            e.Property(c => c.SyncIntervalMinutes).HasDefaultValue(BroadWorksCluster.DefaultSyncMinutes);
            e.Ignore(c => c.HasOcip);
            e.HasIndex(c => c.PartnerId);
            e.HasOne<Partner>().WithMany().HasForeignKey(c => c.PartnerId);
        });

        modelBuilder.Entity<OnboardingTemplate>(e =>
        {
            e.Property(t => t.Name).HasMaxLength(200);
            e.Property(t => t.ProvisioningId).HasMaxLength(64);
            e.Property(t => t.ActivationSlug).HasMaxLength(64);
            e.Property(t => t.ProvisioningAccountName).HasMaxLength(200);
            e.Property(t => t.ProvisioningPasswordHash).HasMaxLength(200);
            e.Property(t => t.ServiceProviderEmail).HasMaxLength(254);
            e.Property(t => t.MeetingJoinConfiguration).HasMaxLength(200);
            e.Property(t => t.PartnerAdminName).HasMaxLength(200);
            e.Property(t => t.DefaultLanguage).HasMaxLength(8);
            e.Property(t => t.PasswordResetUrl).HasMaxLength(2000);
            e.HasIndex(t => t.ProvisioningId).IsUnique();
            e.HasIndex(t => t.ActivationSlug).IsUnique();
            e.HasIndex(t => t.PartnerId);
            e.HasOne<Partner>().WithMany().HasForeignKey(t => t.PartnerId);
            // A target in use by a template cannot be deleted: its users would be orphaned in the identity service.
            e.HasOne<Provisioning.Targets.ProvisioningTarget>().WithMany().HasForeignKey(t => t.TargetId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<BroadWorksCluster>().WithMany().HasForeignKey(t => t.ClusterId).OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.Entity<CustomerOrganization>(e =>
        {
            e.Property(o => o.SpEnterpriseId).HasMaxLength(300);
            e.Property(o => o.Name).HasMaxLength(300);
            e.HasIndex(o => new { o.PartnerId, o.SpEnterpriseId }).IsUnique();
            // Partner Hub's Customers page lists a partner's organisations by name, a keyset page at a time.
            e.HasIndex(o => new { o.PartnerId, o.Name, o.SpEnterpriseId });
        });

        modelBuilder.Entity<Person>(e =>
        {
            e.Property(p => p.Email).HasMaxLength(254);
            e.Property(p => p.NormalizedEmail).HasMaxLength(254);
            e.Property(p => p.FirstName).HasMaxLength(200);
            e.Property(p => p.LastName).HasMaxLength(200);
            e.HasIndex(p => p.NormalizedEmail).IsUnique();
            e.HasIndex(p => p.OrganizationId);
            e.Property(p => p.ExternalId).HasMaxLength(64);
            e.HasIndex(p => p.ExternalId);
        });

        modelBuilder.Entity<Provisioning.Targets.ProvisioningTarget>(e =>
        {
            e.Property(t => t.Name).HasMaxLength(200);
            e.Property(t => t.Kind).HasConversion<string>().HasMaxLength(32);
            e.Property(t => t.Authentication).HasConversion<string>().HasMaxLength(32);
            e.Property(t => t.PackageMode).HasConversion<string>().HasMaxLength(32);
            e.Property(t => t.OrganizationMode).HasConversion<string>().HasMaxLength(32);
            e.Property(t => t.RemovalMode).HasConversion<string>().HasMaxLength(32);
            e.Property(t => t.BaseUrl).HasMaxLength(2000);
            e.Property(t => t.TokenUrl).HasMaxLength(2000);
            e.Property(t => t.ClientId).HasMaxLength(500);
            e.Property(t => t.Scope).HasMaxLength(500);
            e.Property(t => t.PackageAttribute).HasMaxLength(300);
            e.Property(t => t.Mapping).HasMaxLength(8000);
            e.Property(t => t.ProtectedSecret).HasMaxLength(8000);
            e.HasIndex(t => new { t.PartnerId, t.Name }).IsUnique();
            e.HasOne<Partner>().WithMany().HasForeignKey(t => t.PartnerId);
        });

        modelBuilder.Entity<Provisioning.Targets.TargetRemoval>(e =>
        {
            e.Property(r => r.SpEnterpriseId).HasMaxLength(300);
            e.Property(r => r.OrganizationName).HasMaxLength(300);
            e.Property(r => r.TargetUserId).HasMaxLength(200);
            e.Property(r => r.LastError).HasMaxLength(2000);
            e.HasIndex(r => r.NextAttemptAt);
            e.HasIndex(r => new { r.PartnerId, r.TargetId });
        });

        modelBuilder.Entity<Subscriber>(e =>
        {
            e.HasKey(s => s.Seq);
            e.Property(s => s.Seq).ValueGeneratedOnAdd();
            e.HasIndex(s => s.Id).IsUnique();
            e.Property(s => s.ProvisioningId).HasMaxLength(64);
            e.Property(s => s.UserId).HasMaxLength(SubscriberLimits.UserId);
            e.Property(s => s.SpEnterpriseId).HasMaxLength(SubscriberLimits.SpEnterpriseId);
            e.Property(s => s.FirstName).HasMaxLength(SubscriberLimits.Name);
            e.Property(s => s.LastName).HasMaxLength(SubscriberLimits.Name);
            e.Property(s => s.Email).HasMaxLength(SubscriberLimits.Email);
            e.Property(s => s.NormalizedEmail).HasMaxLength(SubscriberLimits.Email);
            e.Property(s => s.PrimaryPhoneNumber).HasMaxLength(SubscriberLimits.PhoneNumber);
            e.Property(s => s.MobilePhoneNumber).HasMaxLength(SubscriberLimits.PhoneNumber);
            e.Property(s => s.Extension).HasMaxLength(SubscriberLimits.Extension);
            e.Property(s => s.Language).HasMaxLength(8);
            e.Property(s => s.Timezone).HasMaxLength(64);
            e.Property(s => s.ErrorDescription).HasMaxLength(1000);
            e.Property(s => s.TraceParent).HasMaxLength(55);
            e.Property(s => s.ErrorReference).HasMaxLength(64);
            e.Property(s => s.BlockedReason).HasMaxLength(64);
            e.Property(s => s.Version).IsConcurrencyToken();
            e.Ignore(s => s.NewEvents);

            // One index per list filter, each ending in Seq so that a filtered page is a keyset range scan.
            // Unique per partner; UserId first, so the same index serves the precheck and POST, which refuse a
            // userId another partner already onboarded (one index instead of two: storage goal, issue 13).
            e.HasIndex(s => new { s.UserId, s.PartnerId }).IsUnique();
            e.HasIndex(s => new { s.PartnerId, s.Seq });
            // Template-scoped indexes lead with the template, which implies the partner: 37 bytes less per entry on
            // SQLite, and a template's rows in Seq order for TemplateLifecycle, which asks by template alone.
            e.HasIndex(s => new { s.TemplateId, s.Seq });
            e.HasIndex(s => new { s.PartnerId, s.Status, s.Seq });
            e.HasIndex(s => new { s.PartnerId, s.SpEnterpriseId, s.Seq });
            e.HasIndex(s => new { s.PartnerId, s.NormalizedEmail });
            e.HasIndex(s => new { s.PartnerId, s.LastStatusChange });
            // Partner Hub's User Status sorts one template by last change or by BroadWorks ID, a page at a time.
            e.HasIndex(s => new { s.PartnerId, s.TemplateId, s.LastStatusChange, s.Seq });
            // The search columns, each carrying the view's sort key: a prefix search takes its newest matches from
            // one covering range (UserStatusQuery.SearchBranches), however deep they sit in the order.
            e.HasIndex(s => new { s.TemplateId, s.UserId, s.LastStatusChange, s.Seq });
            e.HasIndex(s => new { s.TemplateId, s.NormalizedEmail, s.LastStatusChange, s.Seq });
            e.HasIndex(s => new { s.TemplateId, s.LastName, s.LastStatusChange, s.Seq });
            e.HasIndex(s => new { s.TemplateId, s.FirstName, s.LastStatusChange, s.Seq });
            // Customers counts a page of organisations' users by status in one grouped read of this index alone.
            e.HasIndex(s => new { s.PartnerId, s.SpEnterpriseId, s.Status });
            // A template's dashboard: users stuck in the pending statuses, provisioned per day, errors by code.
            e.HasIndex(s => new { s.PartnerId, s.TemplateId, s.Status, s.LastStatusChange });
            e.HasIndex(s => s.PersonId);
            e.Property(s => s.TargetUserId).HasMaxLength(200);
            e.HasIndex(s => new { s.OrganizationId, s.BlockedReason });
            // Without this partial index the claim walks the primary key and slows as work completes (DESIGN §7).
            e.HasIndex(s => s.NextAttemptAt).HasDatabaseName("IX_Subscribers_Due").HasFilter(DueSubscriberFilter);
        });

        modelBuilder.Entity<SubscriberEvent>(e =>
        {
            e.Property(v => v.Kind).HasMaxLength(64);
            e.Property(v => v.Actor).HasMaxLength(64);
            e.Property(v => v.FromStatus).HasMaxLength(32);
            e.Property(v => v.ToStatus).HasMaxLength(32);
            e.HasIndex(v => new { v.SubscriberId, v.Id });
        });

        modelBuilder.Entity<EmailVerification>(e =>
        {
            e.Property(v => v.Email).HasMaxLength(254);
            e.Property(v => v.CodeHash).HasMaxLength(64);
            e.Property(v => v.LinkTokenHash).HasMaxLength(64);
            e.HasIndex(v => new { v.SubscriberId, v.Created });
            e.HasIndex(v => new { v.Email, v.Created });
            e.HasIndex(v => v.LinkTokenHash).IsUnique();
        });

        modelBuilder.Entity<OutboxMessage>(e =>
        {
            e.Property(m => m.To).HasMaxLength(254);
            e.Property(m => m.Language).HasMaxLength(8);
            e.Property(m => m.Subject).HasMaxLength(500);
            e.Property(m => m.LastError).HasMaxLength(2000);
            e.Property(m => m.DedupeKey).HasMaxLength(200);
            e.Property(m => m.TraceParent).HasMaxLength(55);
            e.HasIndex(m => m.DedupeKey).IsUnique();
            e.HasIndex(m => m.SubscriberId);
            e.HasIndex(m => m.NextAttemptAt).HasDatabaseName("IX_Outbox_Due").HasFilter(DueOutboxFilter);
        });

        modelBuilder.Entity<AdminAuditEvent>(e =>
        {
            e.Property(a => a.Action).HasMaxLength(64);
            e.Property(a => a.Target).HasMaxLength(300);
            e.HasIndex(a => new { a.PartnerId, a.At });
        });

        modelBuilder.Entity<TemplateStatusCount>(e => e.HasKey(c => new { c.TemplateId, c.Status }));
        modelBuilder.ApplyConfiguration(new PartnerHub.Users.BulkJobs.BulkJobConfiguration());
        Provisioning.Targets.Reconciliation.ReconciliationConfiguration.Configure(modelBuilder);
        BroadWorks.Sync.SyncConfiguration.Configure(modelBuilder);

        modelBuilder.Entity<Security.LoginFailure>(e =>
        {
            e.HasKey(f => f.Key);
            e.Property(f => f.Key).HasMaxLength(Security.LoginThrottle.MaxKeyLength);
        });

        modelBuilder.Entity<IdempotencyRecord>(e =>
        {
            e.Property(r => r.Key).HasMaxLength(200);
            e.Property(r => r.RequestHash).HasMaxLength(64);
            e.Property(r => r.Location).HasMaxLength(500);
            e.HasIndex(r => new { r.PartnerId, r.Key }).IsUnique();
        });
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess) =>
        SaveChangesAsync(acceptAllChangesOnSuccess).GetAwaiter().GetResult();

    /// <summary>
    /// Saves the change, the timeline events the entities raised and the per-template status counts in one
    /// transaction, so the counts can never drift from the rows.
    /// </summary>
    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess,
        CancellationToken cancellationToken = default)
    {
        // Callers that cache templates (the bridge) drop their copies when a template or cluster changes here.
        var templatesChanged = ChangeTracker.Entries<OnboardingTemplate>().Any(e => e.State != EntityState.Unchanged)
            || ChangeTracker.Entries<BroadWorksCluster>().Any(e => e.State != EntityState.Unchanged);
        try
        {
            return await SaveWithCountsAsync(acceptAllChangesOnSuccess, cancellationToken);
        }
        finally
        {
            if (templatesChanged)
            {
                TemplateAvailability.Changed();
            }
        }
    }

    private async Task<int> SaveWithCountsAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken)
    {
        var deltas = StatusCountDeltas();
        var subscribers = PrepareSubscriberChanges();
        if (deltas.Count == 0)
        {
            var saved = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
            ClearRaisedEvents(subscribers);
            return saved;
        }

        var own = Database.CurrentTransaction is null ? await Database.BeginTransactionAsync(cancellationToken) : null;
        try
        {
            var result = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
            await ApplyStatusCountDeltasAsync(deltas, cancellationToken);
            if (own is not null)
            {
                await own.CommitAsync(cancellationToken);
            }

            ClearRaisedEvents(subscribers);
            return result;
        }
        finally
        {
            if (own is not null)
            {
                await own.DisposeAsync();
            }
        }
    }

    /// <summary>+1 for a subscriber's new status, -1 for the one it left (or had when deleted), per template.</summary>
    private SortedDictionary<(Guid TemplateId, string Status), int> StatusCountDeltas()
    {
        var deltas = new SortedDictionary<(Guid, string), int>();
        void Add(Guid template, SubscriberStatus status, int by)
        {
            var key = (template, status.ToString());
            deltas[key] = deltas.GetValueOrDefault(key) + by;
        }

        foreach (var entry in ChangeTracker.Entries<Subscriber>())
        {
            var status = entry.Property(s => s.Status);
            switch (entry.State)
            {
                case EntityState.Added:
                    Add(entry.Entity.TemplateId, entry.Entity.Status, +1);
                    break;
                case EntityState.Deleted:
                    Add(entry.Entity.TemplateId, status.OriginalValue, -1);
                    break;
                case EntityState.Modified when status.OriginalValue != status.CurrentValue:
                    Add(entry.Entity.TemplateId, status.OriginalValue, -1);
                    Add(entry.Entity.TemplateId, status.CurrentValue, +1);
                    break;
            }
        }

        foreach (var key in deltas.Where(d => d.Value == 0).Select(d => d.Key).ToList())
        {
            deltas.Remove(key);
        }

        return deltas;
    }

    /// <summary>
    /// One statement for all of a save's deltas (a group commit of a thousand intakes still writes each counter row
    /// once). The rows go in key order, so concurrent transactions lock the counter rows in the same order and never
    /// deadlock.
    /// </summary>
    private async Task ApplyStatusCountDeltasAsync(SortedDictionary<(Guid TemplateId, string Status), int> deltas,
        CancellationToken cancellationToken)
    {
        var sqlite = Database.IsSqlite();
        var parameters = new object[deltas.Count * 3];
        var index = 0;
        foreach (var ((templateId, status), delta) in deltas)
        {
            // Raw SQL skips EF's value conversion: SQLite keeps a Guid as upper-case text, PostgreSQL as uuid.
            parameters[index++] = sqlite ? templateId.ToString().ToUpperInvariant() : templateId;
            parameters[index++] = status;
            parameters[index++] = (long)delta;
        }

        await Database.ExecuteSqlRawAsync(StatusCountUpsertSql(deltas.Count), parameters, cancellationToken);
    }

    private const string CountsTable = nameof(TemplateStatusCounts);

    /// <summary>The counter upsert for <paramref name="rows"/> deltas: <c>INSERT … VALUES (…), (…) ON CONFLICT DO UPDATE</c>, the same on both providers.</summary>
    internal static string StatusCountUpsertSql(int rows)
    {
        const string template = nameof(TemplateStatusCount.TemplateId);
        const string status = nameof(TemplateStatusCount.Status);
        const string count = nameof(TemplateStatusCount.Count);
        var values = string.Join(", ", Enumerable.Range(0, rows).Select(r => $"({{{r * 3}}}, {{{r * 3 + 1}}}, {{{r * 3 + 2}}})"));
        return $"""
            INSERT INTO "{CountsTable}" ("{template}", "{status}", "{count}") VALUES {values}
            ON CONFLICT ("{template}", "{status}") DO UPDATE SET "{count}" = "{CountsTable}"."{count}" + excluded."{count}"
            """;
    }

    /// <summary>Saves every event the entities raised, and bumps the concurrency token of each changed subscriber.</summary>
    private List<Subscriber> PrepareSubscriberChanges()
    {
        var subscribers = new List<Subscriber>();
        foreach (var entry in ChangeTracker.Entries<Subscriber>().ToList())
        {
            // A claim or release of the engine's lease is bookkeeping, not a change anyone could lose: it leaves the
            // concurrency token alone, so a caller's write never fails because a worker picked the row up.
            if (entry.State == EntityState.Modified
                && entry.Properties.Any(p => p.IsModified && p.Metadata.Name != nameof(Subscriber.LeaseUntil)))
            {
                var version = entry.Property(s => s.Version);
                version.CurrentValue = entry.Entity.Version + 1;
            }

            if (entry.Entity.NewEvents.Count > 0)
            {
                SubscriberEvents.AddRange(entry.Entity.NewEvents);
                subscribers.Add(entry.Entity);
            }
        }

        return subscribers;
    }

    private static void ClearRaisedEvents(List<Subscriber> subscribers)
    {
        foreach (var subscriber in subscribers)
        {
            subscriber.ClearNewEvents();
        }
    }

    private sealed class UtcConverter() : ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
}

/// <summary>The provider-specific contexts exist so each provider keeps its own migrations history.</summary>
public sealed class SqliteFlowthroughDbContext(DbContextOptions<SqliteFlowthroughDbContext> options)
    : FlowthroughDbContext(options);

public sealed class PostgresFlowthroughDbContext(DbContextOptions<PostgresFlowthroughDbContext> options)
    : FlowthroughDbContext(options);
