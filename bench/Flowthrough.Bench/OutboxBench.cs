using Flowthrough.Email;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.Bench;

/// <summary>
/// The outbox relay's throughput: M queued verification-sized messages, written not yet due so the relay leaves them
/// alone while the app starts; outbox-run makes them due in one statement and polls until every one is sent.
/// </summary>
public static class OutboxBench
{
    public static async Task<int> SeedAsync(BenchOptions options)
    {
        var count = options.Number("count", 10_000);
        await using var db = options.OpenDb();
        await Flowthrough.Data.DataServiceCollectionExtensions.MigrateAsync(db, CancellationToken.None);
        var now = DateTime.UtcNow;
        for (var start = 0; start < count; start += 1_000)
        {
            for (var i = start; i < Math.Min(start + 1_000, count); i++)
            {
                db.Outbox.Add(new OutboxMessage
                {
                    To = $"user{i:D7}@firma.example",
                    Kind = EmailKind.Verification,
                    Language = "en",
                    Subject = "Your activation code",
                    Html = $"<p>Your code is <b>{i % 1_000_000:D6}</b>. Or open the link: https://bench.example/v/{Guid.NewGuid():N}</p>",
                    Text = $"Your code is {i % 1_000_000:D6}. Or open the link: https://bench.example/v/{Guid.NewGuid():N}",
                    Status = OutboxStatus.Queued,
                    Created = now,
                    DedupeKey = $"bench:{i}",
                });
            }

            await db.SaveChangesAsync();
            db.ChangeTracker.Clear();
        }

        Report.Line("Queued", count);
        return 0;
    }

    public static async Task<int> RunAsync(BenchOptions options)
    {
        var timeout = TimeSpan.FromSeconds(options.Number("timeout", 600));
        await using var db = options.OpenDb();
        var now = DateTime.UtcNow;
        var (released, left, seconds) = await Drain.RunAsync(
            () => db.Outbox.Where(m => m.Status == OutboxStatus.Queued && m.NextAttemptAt == null)
                .ExecuteUpdateAsync(u => u.SetProperty(m => m.NextAttemptAt, (DateTime?)now)),
            () => db.Outbox.CountAsync(m => m.Status == OutboxStatus.Queued || m.Status == OutboxStatus.Sending), timeout);
        var sent = await db.Outbox.CountAsync(m => m.Status == OutboxStatus.Sent);
        Report.Line("Released", released);
        Report.Line("Sent", sent);
        Report.Line("Left", left);
        Report.Figure("Seconds", seconds);
        Report.Figure("SentPerSecond", sent / seconds);
        return left == 0 ? 0 : 1;
    }
}
