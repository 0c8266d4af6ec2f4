using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Text;
using System.Xml.Linq;

namespace Flowthrough.BroadWorks.Ocip;

/// <summary>
/// OCI-P through the AS's SOAP web service: SOAP 1.1 <c>processOCIMessage</c> with the OCI document as escaped text
/// in <c>in0</c>, the answer escaped in <c>processOCIMessageReturn</c>. The login lives in the HTTP session
/// (cookie), so one transport keeps one cookie jar.
/// </summary>
internal sealed class OcipSoapTransport : IOcipTransport
{
    public const string ServicePath = "/webservice/services/ProvisioningService";

    public static readonly XNamespace Soap = "http://schemas.xmlsoap.org/soap/envelope/";
    public static readonly XNamespace Service = "urn:com:broadsoft:webservice";

    private readonly OcipEndpoint endpoint;
    private readonly OcipCertificatePolicy certificates;
    private readonly HttpClient http;
    private readonly Uri address;

    public OcipSoapTransport(OcipEndpoint endpoint)
    {
        this.endpoint = endpoint;
        certificates = new OcipCertificatePolicy(endpoint.TrustedCertificateSha256);
        address = new Uri(endpoint.Address);
        var handler = new SocketsHttpHandler
        {
            UseCookies = true,
            CookieContainer = new CookieContainer(),
            AllowAutoRedirect = false,
            ConnectCallback = endpoint.Guard.ConnectAsync,
            SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = certificates.Validate },
        };

        // The session's per-request timeout governs; HttpClient's own 100 s default would only get in the way.
        // The escaped document in the envelope is bigger than the document itself, hence twice the limit.
        http = new HttpClient(handler)
        {
            Timeout = Timeout.InfiniteTimeSpan,
            MaxResponseContentBufferSize = 2L * OcipDocument.MaxDocumentBytes,
        };
    }

    public static string Envelope(string ociDocument) =>
        OcipDocument.Declaration + new XElement(Soap + "Envelope",
            new XAttribute(XNamespace.Xmlns + "soapenv", Soap.NamespaceName),
            new XElement(Soap + "Body",
                new XElement(Service + "processOCIMessage",
                    new XAttribute("xmlns", Service.NamespaceName),
                    new XElement(Service + "in0", ociDocument)))).ToString(SaveOptions.DisableFormatting);

    public async Task<XDocument> ExchangeAsync(XDocument request, CancellationToken ct)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, address)
        {
            Content = new StringContent(Envelope(OcipDocument.ToText(request)), Encoding.UTF8, "text/xml"),
        };
        message.Headers.Add("SOAPAction", "\"\"");

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(message, ct);
        }
        catch (HttpRequestException e) when (e.InnerException is AuthenticationException)
        {
            throw new OcipUnavailableException(certificates.Describe(endpoint.Address), e);
        }
        catch (HttpRequestException e) when (e.HttpRequestError == HttpRequestError.ConnectionError)
        {
            throw new OcipUnavailableException($"Cannot connect to {endpoint.Address}: {e.Message}", e);
        }
        catch (HttpRequestException e)
        {
            throw new OcipConnectionLostException($"The request to {endpoint.Address} failed: {e.Message}", e);
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode)
            {
                throw new OcipUnavailableException(
                    $"{endpoint.Address} answered HTTP {(int)response.StatusCode}{Fault(body)}.");
            }

            return OcipDocument.Parse(Payload(body, endpoint.Address));
        }
    }

    /// <summary>The OCI document the SOAP answer carries as text.</summary>
    internal static string Payload(string body, string address)
    {
        var envelope = OcipDocument.Parse(body);
        var payload = envelope.Descendants().FirstOrDefault(e => e.Name.LocalName == "processOCIMessageReturn")
            ?? throw new OcipProtocolException($"The SOAP answer from {address} has no processOCIMessageReturn.");
        return payload.Value;
    }

    // A SOAP fault names its cause in faultstring; anything else in an error body is not worth repeating.
    private static string Fault(string body)
    {
        try
        {
            var fault = OcipDocument.Parse(body).Descendants().FirstOrDefault(e => e.Name.LocalName == "faultstring")?.Value;
            return string.IsNullOrWhiteSpace(fault) ? "" : $": {fault[..Math.Min(fault.Length, 200)]}";
        }
        catch (OcipProtocolException)
        {
            return "";
        }
    }

    public ValueTask DisposeAsync()
    {
        http.Dispose();
        return ValueTask.CompletedTask;
    }
}
