using Flowthrough.Subscribers;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.Bench;

/// <summary>
/// Makes every seeded engine row due at once (as a bulk release would) while the app runs with its engine workers,
/// then polls the database until no row is left in provisioning. The clock starts at the release's commit, so the
/// app's start-up is not in the figure.
/// </summary>
public static class EngineRun
{
    public static async Task<int> RunAsync(BenchOptions options)
    {
        var timeout = TimeSpan.FromSeconds(options.Number("timeout", 900));
        await using var db = options.OpenDb();
        var now = DateTime.UtcNow;
        var (released, left, seconds) = await Drain.RunAsync(
            () => db.Subscribers.Where(s => s.Status == SubscriberStatus.Provisioning && s.NextAttemptAt == null)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.NextAttemptAt, (DateTime?)now)),
            () => db.Subscribers.CountAsync(s => s.Status == SubscriberStatus.Provisioning), timeout);
        var provisioned = await db.Subscribers.CountAsync(s => s.Status == SubscriberStatus.Provisioned);
        var other = released - provisioned - left;
        Report.Line("Released", released);
        Report.Line("Provisioned", provisioned);
        Report.Line("Left", left);
        Report.Line("Other", other);
        Report.Figure("Seconds", seconds);
        Report.Figure("ProvisionedPerSecond", provisioned / seconds);
        return left == 0 ? 0 : 1;
    }
}
