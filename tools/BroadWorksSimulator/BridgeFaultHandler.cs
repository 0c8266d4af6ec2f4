using System.Net;

namespace BroadWorksSimulator;

/// <summary>
/// Outgoing faults sit in the HTTP pipeline, below the retry loop, so that retries meet them exactly as they would meet a
/// load balancer's 503 or a dropped connection.
/// </summary>
internal sealed class BridgeFaultHandler(FaultSwitches faults) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var latency = faults.Current.BridgeLatencyMs;
        if (latency > 0)
        {
            await Task.Delay(latency, cancellationToken);
        }

        if (faults.TakeBridgeDrop())
        {
            throw new HttpRequestException(HttpRequestError.ConnectionError,
                "The connection was closed before a response arrived (fault BridgeDropNext).");
        }

        if (faults.TakeBridgeFail503())
        {
            return new HttpResponseMessage(HttpStatusCode.ServiceUnavailable)
            {
                RequestMessage = request,
                Content = new StringContent("503 Service Unavailable: no healthy upstream (fault BridgeFail503Next)."),
            };
        }

        return await base.SendAsync(request, cancellationToken);
    }
}
