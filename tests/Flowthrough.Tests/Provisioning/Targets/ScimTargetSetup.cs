using Flowthrough.Provisioning;
using Flowthrough.Provisioning.Targets;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.Tests.Provisioning.Targets;

/// <summary>Points a test partner's template at the SCIM test server, as Settings → Provisioning targets would.</summary>
internal static class ScimTargetSetup
{
    public static async Task<ProvisioningTarget> PointAtAsync(FlowthroughApplication app, TestPartner partner,
        ScimTestServer server, Action<ProvisioningTarget>? configure = null)
    {
        var target = new ProvisioningTarget
        {
            PartnerId = partner.Partner.Id,
            Name = "SCIM test server",
            Kind = TargetKind.Scim,
            BaseUrl = server.BaseUrl.ToString(),
            ProtectedSecret = app.Service<TargetSecrets>().Protect(server.Token),
            TimeoutSeconds = 5,
            Created = DateTime.UtcNow,
        };
        configure?.Invoke(target);
        await using var db = app.CreateDbContext();
        db.ProvisioningTargets.Add(target);
        await db.SaveChangesAsync();
        await db.Templates.Where(t => t.Id == partner.Template.Id)
            .ExecuteUpdateAsync(u => u.SetProperty(t => t.TargetId, target.Id));
        return target;
    }

    /// <summary>A customer organisation row, as the engine makes one, for calling a target directly.</summary>
    public static async Task<TargetOrganization> OrganizationAsync(FlowthroughApplication app, TestPartner partner, string spEnterpriseId)
    {
        await using var db = app.CreateDbContext();
        var organization = new CustomerOrganization
        {
            PartnerId = partner.Partner.Id,
            TemplateId = partner.Template.Id,
            SpEnterpriseId = spEnterpriseId,
            Name = spEnterpriseId,
            Created = DateTime.UtcNow,
        };
        db.Organizations.Add(organization);
        await db.SaveChangesAsync();
        return new TargetOrganization(organization.Id, organization.SpEnterpriseId, organization.Name);
    }
}
