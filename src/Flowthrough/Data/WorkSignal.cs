namespace Flowthrough.Data;

/// <summary>
/// Wakes an idle background worker as soon as work is committed, so intake never waits for the next poll.
/// Polling stays the fallback and the path for work committed by another node.
/// </summary>
public abstract class WorkSignal : IDisposable
{
    private readonly SemaphoreSlim pending = new(0, 1);

    public void Notify()
    {
        // One pending wake-up is enough: the worker drains everything that is due when it wakes.
        lock (pending)
        {
            if (pending.CurrentCount == 0)
            {
                pending.Release();
            }
        }
    }

    /// <summary>Waits for a notification or until <paramref name="pollInterval"/> passes on <paramref name="time"/>.</summary>
    public async Task WaitAsync(TimeSpan pollInterval, TimeProvider time, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var signalled = pending.WaitAsync(linked.Token);
        var delay = Task.Delay(pollInterval, time, linked.Token);
        await Task.WhenAny(signalled, delay);
        await linked.CancelAsync();
        cancellationToken.ThrowIfCancellationRequested();
    }

    public void Dispose()
    {
        pending.Dispose();
        GC.SuppressFinalize(this);
    }
}

public sealed class ProvisioningSignal : WorkSignal;

public sealed class OutboxSignal : WorkSignal;
