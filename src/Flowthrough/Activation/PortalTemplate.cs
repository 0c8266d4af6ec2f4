using Flowthrough.Data;
using Flowthrough.Templates;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.Activation;

/// <summary>The template behind a Share Link, with its partner's name for the page header.</summary>
public sealed record PortalTemplate(OnboardingTemplate Template, string PartnerName)
{
    /// <summary>Whether the Share Link takes sign-ins (<see cref="TemplateAvailability"/>).</summary>
    public Availability Availability { get; private init; }

    public static async Task<PortalTemplate?> FindAsync(FlowthroughDbContext db, string slug,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var found = await db.Templates.AsNoTracking()
            .Where(t => t.ActivationSlug == slug)
            .Join(db.Partners, t => t.PartnerId, p => p.Id, (t, p) => new PortalTemplate(t, p.Name))
            .FirstOrDefaultAsync(cancellationToken);
        return found is null
            ? null
            : found with { Availability = await TemplateAvailability.OfAsync(db, found.Template, cancellationToken) };
    }
}
