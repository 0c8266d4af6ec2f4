using System.Xml.Linq;

namespace Flowthrough.BroadWorks.Ocip;

/// <summary>
/// Carries one request document to the AS and brings back its answer. Throws
/// <see cref="OcipConnectionLostException"/> when an established connection broke (the session may reconnect),
/// <see cref="OcipUnavailableException"/> when the AS cannot be reached at all.
/// </summary>
internal interface IOcipTransport : IAsyncDisposable
{
    Task<XDocument> ExchangeAsync(XDocument request, CancellationToken ct);
}

internal static class OcipTransports
{
    public static IOcipTransport Create(OcipEndpoint endpoint) => endpoint.Transport switch
    {
        OcipTransport.Tcp or OcipTransport.Tls => new OcipTcpTransport(endpoint),
        OcipTransport.Soap or OcipTransport.SoapTls => new OcipSoapTransport(endpoint),
        _ => throw new ArgumentOutOfRangeException(nameof(endpoint), endpoint.Transport, "Unknown OCI-P transport."),
    };
}
