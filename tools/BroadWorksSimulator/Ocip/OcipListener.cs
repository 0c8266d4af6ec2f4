using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.Extensions.Options;

namespace BroadWorksSimulator.Ocip;

/// <summary>
/// OCI-P over TCP (plain and TLS). Each connection is one session and answers one document at a time, in order; many
/// connections run side by side. The ports are bound in StartAsync, so they are known when the host has started.
/// </summary>
internal sealed partial class OcipListener(
    OcipProcessor processor,
    OcipEndpoints endpoints,
    IOptions<SimulatorOptions> options,
    ILogger<OcipListener> logger) : IHostedService, IDisposable
{
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);

    private readonly CancellationTokenSource stopping = new();
    private readonly List<TcpListener> listeners = [];
    private readonly List<Task> acceptLoops = [];
    private readonly ConcurrentDictionary<Task, bool> connections = new();
    private X509Certificate2? certificate;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var address = IPAddress.Parse(settings.OcipListenAddress);
        endpoints.Host = settings.OcipListenAddress;
        endpoints.TcpPort = Listen(address, settings.OcipPort, secure: false);
        if (settings.OcipTlsPort >= 0)
        {
            certificate = OcipCertificate.Load(settings);
            endpoints.TlsFingerprint = OcipCertificate.Fingerprint(certificate);
            endpoints.TlsPort = Listen(address, settings.OcipTlsPort, secure: true);
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await stopping.CancelAsync();
        foreach (var listener in listeners)
        {
            listener.Stop();
        }

        try
        {
            await Task.WhenAll([.. acceptLoops, .. connections.Keys]).WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The host gave up waiting; the connections end with the process.
        }
    }

    public void Dispose()
    {
        foreach (var listener in listeners)
        {
            listener.Dispose();
        }

        certificate?.Dispose();
        stopping.Dispose();
    }

    private int Listen(IPAddress address, int port, bool secure)
    {
        var listener = new TcpListener(address, port);
        listener.Start();
        listeners.Add(listener);
        acceptLoops.Add(AcceptAsync(listener, secure));
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task AcceptAsync(TcpListener listener, bool secure)
    {
        while (!stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stopping.Token);
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            var connection = ServeAsync(client, secure);
            connections[connection] = true;
            _ = connection.ContinueWith(done => connections.TryRemove(done, out _), CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private async Task ServeAsync(TcpClient client, bool secure)
    {
        await Task.Yield();
        using var _ = client;
        client.NoDelay = true;
        var cancellation = stopping.Token;
        Stream stream = client.GetStream();
        try
        {
            if (secure)
            {
                var tls = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = tls;
                using var handshake = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
                handshake.CancelAfter(HandshakeTimeout);
                await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate }, handshake.Token);
            }

            var reader = new OcipFrameReader(stream);
            var session = new OcipSession();
            while (await reader.ReadAsync(cancellation) is { } document)
            {
                var answer = await processor.AnswerAsync(() => OcipRequestDocument.Parse(document), session, secure, cancellation);
                if (answer is null)
                {
                    // Fault OcipDropConnection: the peer sees the connection close with no answer.
                    return;
                }

                await stream.WriteAsync(Encoding.UTF8.GetBytes(answer), cancellation);
                await stream.FlushAsync(cancellation);
            }
        }
        catch (OcipFormatException exception)
        {
            LogConnectionClosed(exception.Message);
        }
        catch (Exception exception) when (exception is IOException or SocketException or AuthenticationException
            or OperationCanceledException or ObjectDisposedException)
        {
            LogConnectionClosed(exception.Message);
        }
        finally
        {
            await stream.DisposeAsync();
        }
    }

    [LoggerMessage(LogLevel.Debug, "OCI-P connection closed: {Reason}")]
    private partial void LogConnectionClosed(string reason);
}
