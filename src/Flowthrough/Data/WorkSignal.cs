namespace Flowthrough.Data;

/// <summary>
/// Wakes an idle background worker as soon as work is committed, so intake never waits for the next poll. On
/// PostgreSQL the wake-up also reaches the other nodes (<see cref="ClusterWakeUp"/>: NOTIFY after the commit, LISTEN on
/// every node). Polling stays the fallback: for a notification lost while a listener reconnects, and on SQLite.
/// </summary>
public abstract class WorkSignal : IDisposable
{
    private readonly SemaphoreSlim pending = new(0, 1);
    private volatile Action<WorkSignal>? broadcast;

    /// <summary>The name other nodes know this signal by (the NOTIFY payload).</summary>
    public string Name => GetType().Name;

    /// <summary>Work was committed: wakes this node's worker and, on PostgreSQL, every other node's.</summary>
    public void Notify()
    {
        Wake();
        broadcast?.Invoke(this);
    }

    /// <summary>Has <see cref="Notify"/> also tell the other nodes (set once by <see cref="ClusterWakeUp"/>).</summary>
    internal void BroadcastThrough(Action<WorkSignal> publish) => broadcast = publish;

    /// <summary>Wakes this node's worker only: another node's notification arrived.</summary>
    public void Wake()
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

    /// <summary>
    /// A background worker's loop: runs <paramref name="work"/> again at once while it finds something to do, else
    /// waits for a notification or the poll. A failure (a database restart, say) is reported to
    /// <paramref name="onFailure"/> and the loop polls again; it ends when <paramref name="stoppingToken"/> stops.
    /// </summary>
    public async Task RunLoopAsync(Func<CancellationToken, Task<bool>> work, TimeSpan pollInterval, TimeProvider time,
        Action<Exception> onFailure, CancellationToken stoppingToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        ArgumentNullException.ThrowIfNull(onFailure);
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await work(stoppingToken))
                {
                    continue;
                }

                await WaitAsync(pollInterval, time, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                onFailure(exception);
                await Task.Delay(pollInterval, time, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    public void Dispose()
    {
        pending.Dispose();
        GC.SuppressFinalize(this);
    }
}

public sealed class ProvisioningSignal : WorkSignal;

public static class WorkSignalRegistration
{
    /// <summary>Registers a signal once, also as a <see cref="WorkSignal"/>, so <see cref="ClusterWakeUp"/> finds it by name.</summary>
    public static IServiceCollection AddWorkSignal<TSignal>(this IServiceCollection services)
        where TSignal : WorkSignal, new()
    {
        if (services.Any(d => d.ServiceType == typeof(TSignal)))
        {
            return services;
        }

        services.AddSingleton<TSignal>();
        services.AddSingleton<WorkSignal>(provider => provider.GetRequiredService<TSignal>());
        return services;
    }
}

public sealed class OutboxSignal : WorkSignal;
