using System.Xml.Linq;
using Microsoft.Extensions.Logging;

namespace Flowthrough.BroadWorks.Ocip;

/// <summary>
/// One logged-in OCI-P session with an AS. Logs in on first use, keeps the connection, sends one document at a time,
/// reconnects and logs in again once when an established connection breaks, and bounds every request by the
/// endpoint's timeout. Logs command names and durations only: never documents, passwords or nonces.
/// </summary>
public sealed partial class OcipSession : IAsyncDisposable
{
    private readonly OcipEndpoint endpoint;
    private readonly string address;
    private readonly ILogger<OcipSession> logger;
    private readonly TimeProvider time;
    private readonly SemaphoreSlim gate = new(1, 1);
    private IOcipTransport? transport;
    private string sessionId = NewSessionId();
    private bool disposed;

    public OcipSession(OcipEndpoint endpoint, ILogger<OcipSession> logger, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(logger);
        this.endpoint = endpoint;
        address = endpoint.Address;
        this.logger = logger;
        this.time = time ?? TimeProvider.System;
    }

    /// <summary>Rows per page of the paged user list (the schema allows up to 2000).</summary>
    internal int UserPageSize { get; init; } = 1000;

    /// <summary>Users per document of <see cref="GetImpUsersAsync"/> (three commands each).</summary>
    internal int UsersPerDocument { get; init; } = 10;

    /// <summary>Sends several commands in one document; one response per command, in order, each possibly an error.</summary>
    public async Task<IReadOnlyList<OcipResponse>> SendAsync(IReadOnlyList<XElement> commands, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(commands);
        ObjectDisposedException.ThrowIf(disposed, this);
        if (commands.Count == 0)
        {
            return [];
        }

        await gate.WaitAsync(ct);
        try
        {
            return await SendLockedAsync(commands, ct);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<IReadOnlyList<OcipResponse>> SendLockedAsync(IReadOnlyList<XElement> commands, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (transport is null)
                {
                    await ConnectAsync(ct);
                }

                return await ExchangeAsync(commands, ct);
            }
            catch (OcipConnectionLostException lost)
            {
                await DropTransportAsync();
                if (attempt > 1)
                {
                    throw new OcipUnavailableException(
                        $"The OCI-P connection to {address} broke again after a reconnect: {lost.Message}", lost);
                }

                OcipLog.Reconnecting(logger, address, lost.Message);
            }
            catch (Exception e) when (e is not OcipErrorException)
            {
                // Timeouts, cancellations and refused logins leave the connection in an unknown state: start afresh next time.
                await DropTransportAsync();
                throw;
            }
        }
    }

    private async Task ConnectAsync(CancellationToken ct)
    {
        transport = OcipTransports.Create(endpoint);
        sessionId = NewSessionId();
        var started = time.GetTimestamp();
        await OcipLogin.LoginAsync(endpoint, ExchangeAsync, ct);
        var elapsedMs = (long)time.GetElapsedTime(started).TotalMilliseconds;
        OcipLog.LoggedIn(logger, address, endpoint.UserId, elapsedMs);
    }

    private async Task<IReadOnlyList<OcipResponse>> ExchangeAsync(IReadOnlyList<XElement> commands, CancellationToken ct)
    {
        var current = transport ?? throw new InvalidOperationException("No OCI-P transport.");
        var names = commands.Select(c => c.Name.LocalName).ToList();
        var request = OcipDocument.Build(sessionId, commands);
        var timeout = endpoint.EffectiveRequestTimeout;
        using var deadline = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        var started = time.GetTimestamp();
        XDocument answer;
        try
        {
            answer = await current.ExchangeAsync(request, linked.Token);
        }
        catch (OperationCanceledException e) when (deadline.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw new OcipUnavailableException(
                $"{address} did not answer {Describe(names)} within {timeout.TotalSeconds:0.###} s.", e);
        }

        var elapsedMs = (long)time.GetElapsedTime(started).TotalMilliseconds;
        var described = Describe(names);
        OcipLog.Answered(logger, described, elapsedMs);

        return OcipDocument.ReadResponses(answer, names);
    }

    private static string Describe(List<string> names) =>
        names.Count == 1 ? names[0] : $"{names.Count} commands ({string.Join(", ", names.Distinct())})";

    private static string NewSessionId() => Guid.NewGuid().ToString("N");

    private async Task DropTransportAsync()
    {
        if (transport is not null)
        {
            var dropped = transport;
            transport = null;
            await dropped.DisposeAsync();
        }
    }

    /// <summary>Logs out politely (best effort, briefly) and closes the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        if (disposed)
        {
            return;
        }

        await gate.WaitAsync();
        try
        {
            disposed = true;
            if (transport is not null)
            {
                try
                {
                    using var brief = new CancellationTokenSource(TimeSpan.FromSeconds(2), time);
                    await transport.ExchangeAsync(OcipDocument.Build(sessionId, [OcipCommands.Logout(endpoint.UserId)]), brief.Token);
                }
                catch (Exception e) when (e is OcipException or OcipConnectionLostException or OperationCanceledException)
                {
                    OcipLog.LogoutSkipped(logger, address, e.Message);
                }

                await DropTransportAsync();
            }
        }
        finally
        {
            gate.Release();
            gate.Dispose();
        }
    }
}
