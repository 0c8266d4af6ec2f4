using System.Security.Claims;
using System.Text.Json;
using Flowthrough.Data;
using Flowthrough.Partners;
using Flowthrough.Subscribers;

namespace Flowthrough.PartnerHub;

/// <summary>Who did what in Partner Hub: every admin action adds an audit row to the caller's unit of work.</summary>
public static class AdminAudit
{
    public static void Record(FlowthroughDbContext db, ClaimsPrincipal admin, string action, string target, DateTime now,
        object? data = null)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(admin);
        db.AdminAuditEvents.Add(new AdminAuditEvent
        {
            PartnerId = admin.PartnerId(),
            AdminId = admin.AdminId(),
            At = now,
            Action = action,
            Target = target,
            Data = data is null ? null : JsonSerializer.Serialize(data),
        });
    }

    /// <summary>The timeline actor for the signed-in admin.</summary>
    public static string Actor(this ClaimsPrincipal admin) => Actors.Admin(admin.AdminId());
}
