using System.Diagnostics.Metrics;

namespace Flowthrough.Tests;

/// <summary>Adds up what the app's counter of this name records while the listener lives (any app in the process).</summary>
public sealed class CounterListener : IDisposable
{
    private readonly MeterListener listener = new();
    private long total;

    public CounterListener(string instrument)
    {
        listener.InstrumentPublished = (candidate, l) =>
        {
            if (candidate.Meter.Name == Flowthrough.Operations.Telemetry.Name && candidate.Name == instrument)
            {
                l.EnableMeasurementEvents(candidate);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref total, value));
        listener.Start();
    }

    public long Total => Interlocked.Read(ref total);

    public void Dispose() => listener.Dispose();
}
