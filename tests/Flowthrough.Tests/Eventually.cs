using System.Diagnostics;

namespace Flowthrough.Tests;

/// <summary>Waits for a condition, not for a time (DESIGN §8): checks until it holds or the deadline passes.</summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultDeadline = TimeSpan.FromSeconds(30);

    public static async Task HoldsAsync(Func<Task<bool>> condition, string because, TimeSpan? deadline = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var clock = Stopwatch.StartNew();
        var limit = deadline ?? DefaultDeadline;
        while (!await condition())
        {
            if (clock.Elapsed > limit)
            {
                throw new TimeoutException($"Still not true after {limit.TotalSeconds:0} s: {because}");
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }
}
