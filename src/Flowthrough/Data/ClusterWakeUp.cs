using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Flowthrough.Data;

/// <summary>
/// The cross-node wake-up on PostgreSQL. Every <see cref="WorkSignal.Notify"/> (called after a commit) also sends
/// <c>NOTIFY flowthrough_work</c> naming the signal; each node holds one listening connection and wakes its own signal
/// when another node's notification arrives, so work committed on node A is picked up by node B at once instead of at
/// B's next poll. A dropped listening connection (a database restart) is reopened with backoff, and on reconnect every
/// signal is woken once, since notifications sent while nobody listened are gone. Polling stays the fallback.
/// </summary>
public sealed partial class ClusterWakeUp(
    IEnumerable<WorkSignal> signals,
    IOptions<DatabaseOptions> options,
    ILogger<ClusterWakeUp> logger) : BackgroundService
{
    public const string Channel = "flowthrough_work";

    // Payload "<node>:<signal>": a node ignores its own notifications, it woke its workers already.
    private const string ListenSql = $"LISTEN {Channel}";
    private const string NotifySql = $"SELECT pg_notify('{Channel}', payload) FROM unnest(@payloads) AS payload";

    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    private readonly string node = Guid.NewGuid().ToString("N");
    private readonly Dictionary<string, WorkSignal> byName = signals.DistinctBy(s => s.Name).ToDictionary(s => s.Name);

    // Names to publish; a burst of commits collapses into one NOTIFY per signal.
    private readonly Channel<string> outgoing = System.Threading.Channels.Channel.CreateUnbounded<string>(
        new UnboundedChannelOptions { SingleReader = true });

    private volatile bool listening;

    /// <summary>True while this node's LISTEN connection is open (tests wait for it before committing on another node).</summary>
    public bool Listening => listening;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var signal in byName.Values)
        {
            signal.BroadcastThrough(s => outgoing.Writer.TryWrite(s.Name));
        }

        return base.StartAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(ListenAsync(stoppingToken), PublishAsync(stoppingToken));

    /// <summary>Holds one connection in LISTEN and wakes the named local signal per notification; reconnects on loss.</summary>
    private async Task ListenAsync(CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.FromMilliseconds(250);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(ListenerConnectionString());
                connection.Notification += (_, e) => Received(e.Payload);
                await connection.OpenAsync(stoppingToken);
                await using (var listen = new NpgsqlCommand(ListenSql, connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                listening = true;
                backoff = TimeSpan.FromMilliseconds(250);
                WakeAll();
                while (true)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                if (listening)
                {
                    LogListenLost(logger, exception);
                }

                listening = false;
                await Task.Delay(backoff, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
        }
    }

    /// <summary>Sends what was notified, coalesced; a failed send is dropped (the other nodes' polls find the work).</summary>
    private async Task PublishAsync(CancellationToken stoppingToken)
    {
        var pending = new HashSet<string>();
        try
        {
            while (await outgoing.Reader.WaitToReadAsync(stoppingToken))
            {
                while (outgoing.Reader.TryRead(out var name))
                {
                    pending.Add(name);
                }

                try
                {
                    await using var connection = new NpgsqlConnection(options.Value.ConnectionString);
                    await connection.OpenAsync(stoppingToken);
                    await using var notify = new NpgsqlCommand(NotifySql, connection);
                    notify.Parameters.AddWithValue("payloads", pending.Select(n => $"{node}:{n}").ToArray());
                    await notify.ExecuteNonQueryAsync(stoppingToken);
                }
                catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
                {
                    LogPublishFailed(logger, exception);
                }

                pending.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private void Received(string payload)
    {
        var separator = payload.IndexOf(':', StringComparison.Ordinal);
        if (separator < 0 || payload.AsSpan(0, separator).SequenceEqual(node))
        {
            return;
        }

        if (byName.TryGetValue(payload[(separator + 1)..], out var signal))
        {
            signal.Wake();
        }
    }

    private void WakeAll()
    {
        foreach (var signal in byName.Values)
        {
            signal.Wake();
        }
    }

    /// <summary>
    /// Its own, unpooled connection: it is held for the node's life, and keepalives notice a peer that vanished without
    /// closing the socket (WaitAsync would otherwise wait forever).
    /// </summary>
    private string ListenerConnectionString() => new NpgsqlConnectionStringBuilder(options.Value.ConnectionString)
    {
        Pooling = false,
        KeepAlive = 15,
        ApplicationName = "flowthrough-listen",
    }.ToString();

    [LoggerMessage(Level = LogLevel.Warning, Message = "The cross-node wake-up connection was lost; reconnecting (polling covers the gap)")]
    private static partial void LogListenLost(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not send the cross-node wake-up; other nodes find the work at their next poll")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception);
}
