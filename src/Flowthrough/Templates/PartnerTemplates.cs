using Microsoft.EntityFrameworkCore;

namespace Flowthrough.Templates;

/// <summary>The one way a Partner Hub page reads a template: only its own partner's, so another partner's id is a 404.</summary>
public static class PartnerTemplates
{
    public static Task<OnboardingTemplate?> FindOwnAsync(this DbSet<OnboardingTemplate> templates, Guid partnerId, Guid id,
        CancellationToken cancellationToken) =>
        templates.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id && t.PartnerId == partnerId, cancellationToken);
}
