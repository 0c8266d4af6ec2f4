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

        var response = await base.SendAsync(request, cancellationToken);
        if (faults.TakeBridgeLoseAnswer())
        {
            // The product did the work, but its answer never came back (a proxy timing out, a connection reset): the
            // retry that follows must land on what the first attempt already wrote.
            response.Dispose();
            throw new HttpRequestException(HttpRequestError.ResponseEnded,
                "The connection was closed after the request was sent, before the answer (fault BridgeLoseAnswerNext).");
        }

        return response;
    }
}
