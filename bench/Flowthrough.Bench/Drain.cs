using System.Diagnostics;

namespace Flowthrough.Bench;

/// <summary>The engine and outbox runs: release queued work at once, then poll the database until none is left.</summary>
public static class Drain
{
    /// <summary>Runs <paramref name="release"/> (answers how many it made due), then polls <paramref name="left"/> every
    /// 50 ms; the clock starts before the release, so the app's start-up is never in the figure.</summary>
    public static async Task<(int Released, int Left, double Seconds)> RunAsync(Func<Task<int>> release, Func<Task<int>> left,
        TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        var released = await release();
        var remaining = released;
        while (remaining > 0 && clock.Elapsed < timeout)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50));
            remaining = await left();
        }

        return (released, remaining, clock.Elapsed.TotalSeconds);
    }
}
