using System.Text;
using System.Xml;
using System.Xml.Linq;
using Microsoft.Extensions.Options;

namespace BroadWorksSimulator.Ocip;

/// <summary>
/// OCI-P over SOAP 1.1 as the AS's ProvisioningService offers it: operation processOCIMessage with the OCI document as
/// escaped text in arg0, answered in processOCIMessageResponse/processOCIMessageReturn; and GET /api/ocip for scripts.
/// </summary>
internal static class OcipHttp
{
    public const int MaxSoapBytes = OcipRequestDocument.MaxDocumentBytes * 2;

    private static readonly XNamespace Soap = "http://schemas.xmlsoap.org/soap/envelope/";
    private static readonly XNamespace WebService = "urn:com:broadsoft:webservice";

    public static void MapOcip(this IEndpointRouteBuilder app)
    {
        app.MapPost(OcipEndpoints.SoapPath, ProcessAsync).DisableAntiforgery().ExcludeFromDescription();
        app.MapGet("/api/ocip", (OcipEndpoints endpoints, IOptions<SimulatorOptions> options, HttpContext context) => new
        {
            tcp = endpoints.TcpAddress,
            tcpPort = endpoints.TcpPort,
            tls = endpoints.TlsAddress,
            tlsPort = endpoints.TlsPort,
            tlsFingerprintSha256 = endpoints.TlsFingerprint,
            soap = $"{context.Request.Scheme}://{context.Request.Host}{OcipEndpoints.SoapPath}",
            adminUser = options.Value.OcipUser,
            adminPassword = options.Value.OcipPassword,
        });
    }

    private static async Task ProcessAsync(HttpContext context, OcipProcessor processor, OcipSoapSessions sessions)
    {
        var cancellation = context.RequestAborted;
        if (context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxSoapBytes;
        }

        string? oci;
        try
        {
            oci = await ReadArgumentAsync(context.Request, cancellation);
        }
        catch (Exception exception) when (exception is XmlException or InvalidDataException)
        {
            await WriteAsync(context, StatusCodes.Status500InternalServerError, Fault("Client", exception.Message));
            return;
        }

        if (oci is null)
        {
            await WriteAsync(context, StatusCodes.Status500InternalServerError,
                Fault("Client", "Expected a processOCIMessage element with an arg0."));
            return;
        }

        OcipRequestDocument? parsed = null;
        try
        {
            parsed = OcipRequestDocument.Parse(oci);
        }
        catch (OcipFormatException)
        {
            // Answered as an ErrorResponse document below, as on TCP.
        }

        var session = sessions.For(parsed?.SessionId);
        await session.Turn.WaitAsync(cancellation);
        string? answer;
        try
        {
            answer = await processor.AnswerAsync(() => parsed ?? OcipRequestDocument.Parse(oci), session, context.Request.IsHttps, cancellation);
        }
        finally
        {
            session.Turn.Release();
        }

        if (answer is null)
        {
            context.Abort();
            return;
        }

        var envelope = new XElement(Soap + "Envelope",
            new XAttribute(XNamespace.Xmlns + "soapenv", Soap.NamespaceName),
            new XElement(Soap + "Body",
                new XElement("processOCIMessageResponse",
                    new XElement(WebService + "processOCIMessageReturn", new XAttribute(XNamespace.Xmlns + "ns1", WebService.NamespaceName),
                        answer))));
        await WriteAsync(context, StatusCodes.Status200OK, envelope);
    }

    /// <summary>The unescaped OCI document from Body/processOCIMessage/arg0, or null when the envelope has none.</summary>
    private static async Task<string?> ReadArgumentAsync(HttpRequest request, CancellationToken cancellation)
    {
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body, cancellation);
        if (body.Length > MaxSoapBytes)
        {
            throw new InvalidDataException($"The request is larger than {MaxSoapBytes} bytes.");
        }

        body.Position = 0;
        var settings = OcipRequestDocument.ReaderSettings();
        settings.MaxCharactersInDocument = MaxSoapBytes;
        using var reader = XmlReader.Create(body, settings);
        var envelope = XElement.Load(reader);
        var operation = envelope.Descendants().FirstOrDefault(e => e.Name.LocalName == "processOCIMessage");
        return operation?.Elements().FirstOrDefault(e => e.Name.LocalName == "arg0")?.Value;
    }

    private static XElement Fault(string code, string message) =>
        new(Soap + "Envelope", new XAttribute(XNamespace.Xmlns + "soapenv", Soap.NamespaceName),
            new XElement(Soap + "Body",
                new XElement(Soap + "Fault", new XElement("faultcode", $"soapenv:{code}"), new XElement("faultstring", message))));

    private static async Task WriteAsync(HttpContext context, int status, XElement envelope)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/xml; charset=utf-8";
        await context.Response.WriteAsync(OcipResponse.Declaration + envelope.ToString(SaveOptions.DisableFormatting), Encoding.UTF8,
            context.RequestAborted);
    }
}
