using Flowthrough.Templates;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Flowthrough.PartnerHub.Users.BulkJobs;

public sealed class BulkJobConfiguration : IEntityTypeConfiguration<BulkJob>
{
    public void Configure(EntityTypeBuilder<BulkJob> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Property(j => j.Action).HasConversion<string>().HasMaxLength(16);
        builder.Property(j => j.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(j => j.LeaseOwner).HasMaxLength(64);
        builder.Property(j => j.Error).HasMaxLength(1000);
        builder.Ignore(j => j.IsActive);
        builder.Ignore(j => j.Processed);
        // The template's recent jobs, newest first; the workers' look for unfinished jobs.
        builder.HasIndex(j => new { j.PartnerId, j.TemplateId, j.Created });
        builder.HasIndex(j => new { j.Status, j.Created });
        builder.HasOne<OnboardingTemplate>().WithMany().HasForeignKey(j => j.TemplateId)
            .OnDelete(DeleteBehavior.Cascade);
    }
}
