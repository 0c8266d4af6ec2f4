using System.Text.Json;
using Flowthrough.Data;
using Flowthrough.Partners;
using Flowthrough.PartnerHub;
using Flowthrough.Provisioning.Targets;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.Operations;

/// <summary>
/// <c>set-target</c>: what Settings → Provisioning targets and the template's target select do, for scripts. Creates
/// (or updates, by name) a SCIM 2.0 target of the template's partner with a bearer token, and points the template at
/// it. The token is stored protected and never printed.
/// </summary>
public static class SetTargetCommand
{
    public const string Usage =
        "Usage: set-target --template PROVISIONING_ID --scim-url URL --scim-token TOKEN [--name NAME]";

    public static async Task<int> RunAsync(FlowthroughDbContext db, TargetSecrets secrets, TimeProvider time, IConfiguration arguments)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(secrets);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(arguments);
        var provisioningId = FormChecks.Clean(arguments["template"]);
        var url = FormChecks.Clean(arguments["scim-url"]);
        var token = FormChecks.Clean(arguments["scim-token"]);
        if (provisioningId is null || url is null || token is null)
        {
            await Console.Error.WriteLineAsync($"{Usage}{Environment.NewLine}"
                + "Creates or updates the SCIM 2.0 target NAME (default \"SCIM <host>\") of the template's partner and points the template at it.");
            return 2;
        }

        if (url.Length > PartnerHub.Targets.TargetInput.UrlLength || !FormChecks.IsHttpUrl(url))
        {
            await Console.Error.WriteLineAsync($"'{url}' is not an absolute http:// or https:// URL.");
            return 2;
        }

        var name = FormChecks.Clean(arguments["name"]) ?? $"SCIM {new Uri(url).Host}";
        if (name.Length > PartnerHub.Targets.TargetInput.NameLength)
        {
            await Console.Error.WriteLineAsync($"The name may have at most {PartnerHub.Targets.TargetInput.NameLength} characters.");
            return 2;
        }

        var template = await db.Templates.FirstOrDefaultAsync(t => t.ProvisioningId == provisioningId);
        if (template is null)
        {
            await Console.Error.WriteLineAsync($"No template has the provisioning ID '{provisioningId}'.");
            return 1;
        }

        var now = time.GetUtcNow().UtcDateTime;
        var target = await db.ProvisioningTargets.FirstOrDefaultAsync(t => t.PartnerId == template.PartnerId && t.Name == name);
        var creating = target is null;
        if (target is null)
        {
            target = new ProvisioningTarget { PartnerId = template.PartnerId, Name = name, Created = now };
            db.ProvisioningTargets.Add(target);
        }
        else if (target.Kind != TargetKind.Scim)
        {
            await Console.Error.WriteLineAsync($"The target '{name}' is not a SCIM target; choose another --name.");
            return 1;
        }

        target.BaseUrl = url;
        target.Authentication = TargetAuthentication.BearerToken;
        target.ProtectedSecret = secrets.Protect(token);
        target.TokenUrl = null;
        target.ClientId = null;
        target.Scope = null;
        target.Revision++;
        var previousTarget = template.TargetId;
        template.TargetId = target.Id;
        Audit(db, template.PartnerId, creating ? "target.create" : "target.update", target.Id, now,
            new { target.Name, target.BaseUrl, authentication = target.Authentication.ToString(), by = "command line" });
        Audit(db, template.PartnerId, "template.update", template.Id, now,
            new { template.Name, changed = new[] { nameof(template.TargetId) }, by = "command line" });
        await db.SaveChangesAsync();

        var partner = await db.Partners.AsNoTracking().Where(p => p.Id == template.PartnerId).Select(p => p.Name).FirstAsync();
        Console.WriteLine(creating
            ? $"SCIM target \"{target.Name}\" created for {partner}: {target.BaseUrl} (bearer token saved, protected)."
            : $"SCIM target \"{target.Name}\" of {partner} updated: {target.BaseUrl} (new bearer token saved, protected).");
        Console.WriteLine(previousTarget == target.Id
            ? $"Template \"{template.Name}\" ({template.ProvisioningId}) already provisioned into it."
            : $"Template \"{template.Name}\" ({template.ProvisioningId}) now provisions into \"{target.Name}\".");
        return 0;
    }

    private static void Audit(FlowthroughDbContext db, Guid partnerId, string action, Guid target, DateTime now, object data) =>
        db.AdminAuditEvents.Add(new AdminAuditEvent
        {
            PartnerId = partnerId,
            At = now,
            Action = action,
            Target = target.ToString(),
            Data = JsonSerializer.Serialize(data),
        });
}
