using Flowthrough.Templates;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.Provisioning.Targets.Reconciliation;

/// <summary>The reconciliation tables: runs, their items, remembered ignores and the runner's lease.</summary>
public static class ReconciliationConfiguration
{
    public static void Configure(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.Entity<ReconciliationRun>(e =>
        {
            e.Property(r => r.State).HasConversion<string>().HasMaxLength(16);
            e.Property(r => r.Trigger).HasConversion<string>().HasMaxLength(16);
            e.Property(r => r.TargetName).HasMaxLength(200);
            e.Property(r => r.Error).HasMaxLength(2000);
            e.Ignore(r => r.IsActive);
            // The template's last runs, newest first; the runner's look for queued and orphaned runs.
            e.HasIndex(r => new { r.PartnerId, r.TemplateId, r.Created });
            e.HasIndex(r => new { r.State, r.Created });
            e.HasOne<OnboardingTemplate>().WithMany().HasForeignKey(r => r.TemplateId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<ReconciliationItem>(e =>
        {
            e.Property(i => i.Kind).HasConversion<string>().HasMaxLength(16);
            e.Property(i => i.Resolution).HasConversion<string>().HasMaxLength(16);
            e.Property(i => i.TargetUserId).HasMaxLength(200);
            e.Property(i => i.UserName).HasMaxLength(300);
            e.Property(i => i.Details).HasMaxLength(8000);
            e.Ignore(i => i.IgnoreKey);
            e.HasIndex(i => new { i.RunId, i.Kind, i.Id });
            e.HasOne<ReconciliationRun>().WithMany().HasForeignKey(i => i.RunId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<ReconciliationIgnore>(e =>
        {
            e.Property(i => i.Kind).HasConversion<string>().HasMaxLength(16);
            e.Property(i => i.Key).HasMaxLength(300);
            // Two admins ignoring the same item at once: the index keeps one row.
            e.HasIndex(i => new { i.TemplateId, i.Kind, i.Key }).IsUnique();
            e.HasOne<OnboardingTemplate>().WithMany().HasForeignKey(i => i.TemplateId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<ReconciliationLease>(e =>
        {
            e.HasKey(l => l.Name);
            e.Property(l => l.Name).HasMaxLength(64);
            e.Property(l => l.Owner).HasMaxLength(100);
        });
    }
}
