using Flowthrough.Subscribers;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.Tests.Provisioning;

/// <summary>Subscribers the engine tests start from, written straight to the database, and read back.</summary>
internal static class EngineTestData
{
    public static async Task<Subscriber> AddAsync(FlowthroughApplication app, TestPartner partner, string userId,
        string? email, string enterprise = "sp+acme", bool trusted = true)
    {
        await using var db = app.CreateDbContext();
        var subscriber = Subscriber.Intake(new Subscriber.IntakeDetails(partner.Partner.Id, partner.Template.Id,
            partner.Template.ProvisioningId, userId, enterprise, "Piotr", "Wiśniewski", SubscriberPackage.Premium,
            email, trusted, "+48 22 555 0199", null, null, "pl", null, SubscriberSource.Api),
            Actors.Api, app.Time?.GetUtcNow().UtcDateTime ?? DateTime.UtcNow);
        db.Subscribers.Add(subscriber);
        await db.SaveChangesAsync();
        return subscriber;
    }

    public static async Task<Subscriber> ReloadAsync(FlowthroughApplication app, Guid id)
    {
        await using var db = app.CreateDbContext();
        return await db.Subscribers.AsNoTracking().SingleAsync(s => s.Id == id);
    }
}
