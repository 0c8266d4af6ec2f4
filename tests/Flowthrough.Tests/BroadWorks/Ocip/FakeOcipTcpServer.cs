using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Xml.Linq;

namespace Flowthrough.Tests.BroadWorks.Ocip;

/// <summary>
/// Test double of an AS's OCI-P TCP port (plain, or TLS with the given certificate) on a real loopback socket:
/// reads documents up to their closing tag and answers through <see cref="FakeOcipAs"/>.
/// Can drop the connection or stay silent when a given command arrives.
/// </summary>
internal sealed class FakeOcipTcpServer : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly X509Certificate2? certificate;
    private readonly CancellationTokenSource stop = new();
    private readonly Task accepting;
    private int connections;
    private int drops;

    public FakeOcipTcpServer(X509Certificate2? certificate = null)
    {
        this.certificate = certificate;
        listener.Start();
        accepting = AcceptAsync();
    }

    public FakeOcipAs As { get; } = new();

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    public int Connections => connections;

    public System.Collections.Concurrent.ConcurrentQueue<Exception> Faults { get; } = new();

    /// <summary>When this command arrives, close the connection without answering, <see cref="DropTimes"/> times.</summary>
    public string? DropOn { get; set; }

    public int DropTimes { get; set; } = 1;

    /// <summary>When this command arrives (once), never answer it.</summary>
    public string? StallOn { get; set; }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await listener.AcceptTcpClientAsync(stop.Token);
                Interlocked.Increment(ref connections);
                _ = Task.Run(() => ServeAsync(client));
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                Stream stream = client.GetStream();
                if (certificate is not null)
                {
                    var tls = new SslStream(stream);
                    await tls.AuthenticateAsServerAsync(certificate);
                    stream = tls;
                }

                var connection = new FakeOcipAs.Connection();
                var reader = new DocumentReader(stream);
                while (await reader.NextAsync(stop.Token) is { } text)
                {
                    var request = XDocument.Parse(text);
                    var types = request.Root!.Elements("command")
                        .Select(c => (string)c.Attribute(XName.Get("type", "http://www.w3.org/2001/XMLSchema-instance"))!).ToList();
                    if (DropOn is { } drop && types.Contains(drop) && Interlocked.Increment(ref drops) <= DropTimes)
                    {
                        client.Client.Close();
                        return;
                    }

                    if (StallOn is { } stall && types.Contains(stall))
                    {
                        StallOn = null;
                        await Task.Delay(Timeout.Infinite, stop.Token);
                    }

                    var answer = As.Respond(request, connection);
                    var bytes = Encoding.UTF8.GetBytes("<?xml version=\"1.0\" encoding=\"UTF-8\"?>" + answer.Root!.ToString(SaveOptions.DisableFormatting) + "\n");

                    // In pieces, the trailing newline on its own, so the client meets an answer that arrives in parts.
                    var half = (bytes.Length - 1) / 2;
                    await stream.WriteAsync(bytes.AsMemory(0, half), stop.Token);
                    await stream.FlushAsync(stop.Token);
                    await stream.WriteAsync(bytes.AsMemory(half, bytes.Length - 1 - half), stop.Token);
                    await stream.FlushAsync(stop.Token);
                    await stream.WriteAsync(bytes.AsMemory(bytes.Length - 1), stop.Token);
                    await stream.FlushAsync(stop.Token);
                }
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or System.Security.Authentication.AuthenticationException or SocketException)
            {
                // The client went away, refused our certificate, or the test ended.
            }
            catch (Exception e)
            {
                // A fault of the double itself: kept so a test failure can show it.
                Faults.Enqueue(e);
            }
        }
    }

    private sealed class DocumentReader(Stream stream)
    {
        private const string ClosingTag = "</BroadsoftDocument>";
        private readonly StringBuilder buffer = new();
        private readonly byte[] chunk = new byte[8192];

        public async Task<string?> NextAsync(CancellationToken ct)
        {
            while (true)
            {
                var text = buffer.ToString();
                var at = text.IndexOf(ClosingTag, StringComparison.Ordinal);
                if (at >= 0)
                {
                    var end = at + ClosingTag.Length;
                    buffer.Clear().Append(text.AsSpan(end));
                    return text[..end].TrimStart();
                }

                var read = await stream.ReadAsync(chunk, ct);
                if (read == 0)
                {
                    return null;
                }

                buffer.Append(Encoding.UTF8.GetString(chunk, 0, read));
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        listener.Stop();
        await accepting;
        stop.Dispose();
    }
}
