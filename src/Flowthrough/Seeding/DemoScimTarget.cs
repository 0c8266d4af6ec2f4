using Flowthrough.Data;
using Flowthrough.Partners;
using Flowthrough.Provisioning.Targets;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.Seeding;

/// <summary>
/// <c>./run.sh --scim</c>: the demo templates provision into the SCIM test server started beside the app. The target
/// follows the server to whatever port it got, as the demo cluster follows the simulator.
/// </summary>
public static class DemoScimTarget
{
    public const string Name = "Demo SCIM server";

    public static async Task PointDemoTemplatesAsync(FlowthroughDbContext db, Partner partner, SeedOptions options,
        TargetSecrets secrets, DateTime now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(partner);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(secrets);
        var target = await db.ProvisioningTargets.FirstOrDefaultAsync(t => t.PartnerId == partner.Id && t.Name == Name, cancellationToken);
        if (target is null)
        {
            target = new ProvisioningTarget { PartnerId = partner.Id, Name = Name, Kind = TargetKind.Scim, Created = now };
            db.ProvisioningTargets.Add(target);
        }

        target.BaseUrl = options.ScimUrl;
        target.Authentication = TargetAuthentication.BearerToken;
        target.ProtectedSecret = secrets.Protect(options.ScimToken);
        target.Revision++;
        var demoIds = DemoSeed.Templates.Select(t => t.ProvisioningId).ToList();
        foreach (var template in await db.Templates.Where(t => t.PartnerId == partner.Id && demoIds.Contains(t.ProvisioningId))
                     .ToListAsync(cancellationToken))
        {
            template.TargetId = target.Id;
        }

        await db.SaveChangesAsync(cancellationToken);
    }
}
