using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Xml.Linq;

namespace Flowthrough.BroadWorks.Ocip;

/// <summary>
/// OCI-P over one TCP connection, plain or TLS: documents go back to back, an answer ends at its closing
/// <c>&lt;/BroadsoftDocument&gt;</c>. One request at a time (the session serialises).
/// </summary>
internal sealed class OcipTcpTransport(OcipEndpoint endpoint) : IOcipTransport
{
    private static readonly byte[] ClosingTag = "</BroadsoftDocument>"u8.ToArray();

    private readonly OcipCertificatePolicy certificates = new(endpoint.TrustedCertificateSha256);
    private readonly MemoryStream pending = new();
    private TcpClient? client;
    private Stream? stream;

    public async Task<XDocument> ExchangeAsync(XDocument request, CancellationToken ct)
    {
        stream ??= await ConnectAsync(ct);
        try
        {
            // A newline after the document, as other OCI-P clients send; the AS reads up to the closing tag.
            await stream.WriteAsync(OcipDocument.ToBytes(request).Append((byte)'\n').ToArray(), ct);
            await stream.FlushAsync(ct);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            throw new OcipConnectionLostException($"Writing to {endpoint.Address} failed: {e.Message}", e);
        }

        return OcipDocument.Parse(await ReadDocumentAsync(stream, ct));
    }

    private async Task<Stream> ConnectAsync(CancellationToken ct)
    {
        try
        {
            client = new TcpClient { Client = await endpoint.Guard.ConnectAsync(endpoint.Host, endpoint.Port, ct) };
        }
        catch (Exception e) when (e is SocketException or Security.OutboundRefusedException)
        {
            throw new OcipUnavailableException($"Cannot connect to {endpoint.Address}: {e.Message}", e);
        }

        if (!endpoint.UsesTls)
        {
            return client.GetStream();
        }

        var tls = new SslStream(client.GetStream(), leaveInnerStreamOpen: false, certificates.Validate);
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = endpoint.Host }, ct);
            return tls;
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            await tls.DisposeAsync();
            throw new OcipUnavailableException(certificates.Describe(endpoint.Address), e);
        }
    }

    /// <summary>Reads up to and including the next closing tag; bytes after it stay for the next answer.</summary>
    private async Task<byte[]> ReadDocumentAsync(Stream source, CancellationToken ct)
    {
        var chunk = new byte[16 * 1024];
        var searchFrom = 0;
        while (true)
        {
            var buffer = pending.GetBuffer().AsSpan(0, (int)pending.Length);
            var at = buffer[searchFrom..].IndexOf(ClosingTag);
            if (at >= 0)
            {
                var end = searchFrom + at + ClosingTag.Length;
                // Whitespace between documents (the newline after the previous one) may arrive in any read.
                var document = buffer[..end].TrimStart("\r\n\t "u8).ToArray();
                var rest = buffer[end..].ToArray();
                pending.SetLength(0);
                pending.Write(rest);
                return document;
            }

            if (pending.Length > OcipDocument.MaxDocumentBytes)
            {
                throw new OcipProtocolException($"The answer from {endpoint.Address} exceeds {OcipDocument.MaxDocumentBytes} bytes.");
            }

            searchFrom = Math.Max(0, (int)pending.Length - ClosingTag.Length + 1);
            int read;
            try
            {
                read = await source.ReadAsync(chunk, ct);
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
            {
                throw new OcipConnectionLostException($"Reading from {endpoint.Address} failed: {e.Message}", e);
            }

            if (read == 0)
            {
                throw new OcipConnectionLostException($"{endpoint.Address} closed the connection.");
            }

            pending.Write(chunk, 0, read);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (stream is not null)
        {
            await stream.DisposeAsync();
        }

        client?.Dispose();
        await pending.DisposeAsync();
    }
}
