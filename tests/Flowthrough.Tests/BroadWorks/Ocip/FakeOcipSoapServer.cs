using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Xml.Linq;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Flowthrough.Tests.BroadWorks.Ocip;

/// <summary>
/// Test double of the AS's SOAP ProvisioningService on Kestrel (http, or https with the given certificate):
/// unwraps processOCIMessage/in0, answers through <see cref="FakeOcipAs"/> and wraps the answer in
/// processOCIMessageReturn the way the AS does. The login is kept per HTTP session cookie, as on the AS.
/// </summary>
internal sealed class FakeOcipSoapServer : IAsyncDisposable
{
    private static readonly XNamespace Soap = "http://schemas.xmlsoap.org/soap/envelope/";
    private readonly WebApplication app;
    private readonly Dictionary<string, FakeOcipAs.Connection> sessions = [];

    private FakeOcipSoapServer(WebApplication app) => this.app = app;

    public FakeOcipAs As { get; } = new();

    public int Port { get; private set; }

    /// <summary>When set, every request is answered with this HTTP status and a SOAP fault.</summary>
    public HttpStatusCode? FailWith { get; set; }

    public string? LastSoapAction { get; private set; }

    public XDocument? LastEnvelope { get; private set; }

    public static async Task<FakeOcipSoapServer> StartAsync(X509Certificate2? certificate = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (certificate is not null)
            {
                listen.UseHttps(certificate);
            }
        }));
        var app = builder.Build();
        var server = new FakeOcipSoapServer(app);
        app.MapPost("/webservice/services/ProvisioningService", server.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Port = new Uri(address).Port;
        return server;
    }

    private async Task HandleAsync(HttpContext context)
    {
        LastSoapAction = context.Request.Headers["SOAPAction"];
        if (FailWith is { } status)
        {
            await WriteAsync(context, (int)status,
                $"<soapenv:Envelope xmlns:soapenv=\"{Soap}\"><soapenv:Body><soapenv:Fault><faultcode>soapenv:Server</faultcode>" +
                "<faultstring>Service temporarily unavailable</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>");
            return;
        }

        var envelope = await XDocument.LoadAsync(context.Request.Body, LoadOptions.None, context.RequestAborted);
        LastEnvelope = envelope;
        var payload = envelope.Descendants().First(e => e.Name.LocalName == "in0").Value;

        if (!context.Request.Cookies.TryGetValue("JSESSIONID", out var session) || !sessions.ContainsKey(session))
        {
            session = Guid.NewGuid().ToString("N");
            sessions[session] = new FakeOcipAs.Connection();
            context.Response.Cookies.Append("JSESSIONID", session);
        }

        var answer = As.Respond(XDocument.Parse(payload), sessions[session]);
        var text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>" + answer.Root!.ToString(SaveOptions.DisableFormatting);
        XNamespace service = "urn:com:broadsoft:webservice";
        var response = new XElement(Soap + "Envelope",
            new XAttribute(XNamespace.Xmlns + "soapenv", Soap.NamespaceName),
            new XElement(Soap + "Body",
                new XElement("processOCIMessageResponse",
                    new XElement(service + "processOCIMessageReturn", new XAttribute(XNamespace.Xmlns + "ns1", service.NamespaceName), text))));
        await WriteAsync(context, 200, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>" + response.ToString(SaveOptions.DisableFormatting));
    }

    private static async Task WriteAsync(HttpContext context, int status, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/xml; charset=utf-8";
        await context.Response.WriteAsync(body, context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
