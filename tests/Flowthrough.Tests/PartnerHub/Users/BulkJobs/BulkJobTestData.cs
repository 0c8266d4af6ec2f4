using System.Globalization;
using Flowthrough.PartnerHub.Users.BulkJobs;
using Flowthrough.Subscribers;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.Tests.PartnerHub.Users.BulkJobs;

/// <summary>Many subscribers at once, and the bulk job worker driven by the test (the test app runs no workers).</summary>
internal static class BulkJobTestData
{
    /// <summary>Pending subscribers with the Basic package, user00000…, inserted in one unit of work.</summary>
    public static async Task SeedPendingAsync(FlowthroughApplication app, TestPartner owner, int count)
    {
        await using var db = app.CreateDbContext();
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        db.Subscribers.AddRange(Enumerable.Range(0, count).Select(i => UserStatusSeed.Pending(owner,
            $"user{i.ToString("D5", CultureInfo.InvariantCulture)}", UserStatusSeed.Start.AddSeconds(i))));
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>What a worker does: claims the next job and works up to <paramref name="maxChunks"/> chunks of it.</summary>
    public static Task<bool> RunChunksAsync(FlowthroughApplication app, int maxChunks) =>
        app.Service<BulkJobRunner>().RunNextAsync(TestContext.Current.CancellationToken, maxChunks);

    /// <summary>Runs every waiting job to its end.</summary>
    public static async Task DrainAsync(FlowthroughApplication app)
    {
        while (await app.Service<BulkJobRunner>().RunNextAsync(TestContext.Current.CancellationToken))
        {
        }
    }

    public static async Task<BulkJob> JobAsync(FlowthroughApplication app)
    {
        await using var db = app.CreateDbContext();
        return await db.BulkJobs.AsNoTracking().SingleAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>How many times each subscriber of the partner got a package change on its timeline.</summary>
    public static async Task<Dictionary<Guid, int>> PackageChangesAsync(FlowthroughApplication app, TestPartner owner)
    {
        await using var db = app.CreateDbContext();
        var ids = db.Subscribers.Where(s => s.PartnerId == owner.Partner.Id).Select(s => s.Id);
        return await db.SubscriberEvents.AsNoTracking()
            .Where(e => e.Kind == "package_changed" && ids.Contains(e.SubscriberId))
            .GroupBy(e => e.SubscriberId).Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Key, g => g.Count, TestContext.Current.CancellationToken);
    }

    public static async Task<Dictionary<SubscriberPackage, int>> PackagesAsync(FlowthroughApplication app, TestPartner owner)
    {
        await using var db = app.CreateDbContext();
        return await db.Subscribers.AsNoTracking().Where(s => s.PartnerId == owner.Partner.Id)
            .GroupBy(s => s.Package).Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Key, g => g.Count, TestContext.Current.CancellationToken);
    }
}
