using Flowthrough.Clusters;
using Flowthrough.Templates;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.BroadWorks.Sync;

/// <summary>The OCI-P sync tables: a cluster's group mappings, its runs and the users its complete runs missed.</summary>
public static class SyncConfiguration
{
    public static void Configure(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.Entity<ClusterMapping>(e =>
        {
            e.Property(m => m.ServiceProviderId).HasMaxLength(150);
            e.Property(m => m.GroupId).HasMaxLength(150);
            e.HasIndex(m => new { m.ClusterId, m.ServiceProviderId, m.GroupId }).IsUnique();
            e.HasIndex(m => m.TemplateId);
            e.HasOne<BroadWorksCluster>().WithMany().HasForeignKey(m => m.ClusterId).OnDelete(DeleteBehavior.Cascade);
            // A template in use by a mapping is not deleted under it: the admin removes the mapping first.
            e.HasOne<OnboardingTemplate>().WithMany().HasForeignKey(m => m.TemplateId).OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.Entity<SyncRun>(e =>
        {
            e.Property(r => r.Trigger).HasMaxLength(100);
            e.Property(r => r.Outcome).HasConversion<string>().HasMaxLength(16);
            e.Property(r => r.Message).HasMaxLength(4000);
            e.Ignore(r => r.Duration);
            e.HasIndex(r => new { r.ClusterId, r.Started });
            e.HasOne<BroadWorksCluster>().WithMany().HasForeignKey(r => r.ClusterId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<SyncMiss>(e =>
        {
            e.HasKey(m => new { m.ClusterId, m.UserId });
            e.Property(m => m.UserId).HasMaxLength(Subscribers.SubscriberLimits.UserId);
            e.HasOne<BroadWorksCluster>().WithMany().HasForeignKey(m => m.ClusterId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}
