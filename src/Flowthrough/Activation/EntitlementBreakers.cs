using System.Collections.Concurrent;
using Flowthrough.BroadWorks;
using Flowthrough.BroadWorks.Ocip;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;

namespace Flowthrough.Activation;

/// <summary>
/// One circuit per cluster for the portal's live OCI-P check, as Xsi-Actions has per XSP farm. Without it every
/// sign-in during an AS outage waits the whole <see cref="PortalOptions.EntitlementTimeout"/>, and a refused provisioning
/// login is tried again by every sign-in, which can get that account locked on the AS. The circuit rests for
/// <see cref="XsiOptions.BreakDuration"/>, then lets one sign-in probe the AS.
/// </summary>
public sealed class EntitlementBreakers(IOptions<XsiOptions> options, TimeProvider time)
{
    /// <summary>Failed checks within the sampling window before the circuit may open.</summary>
    public const int MinimumThroughput = 4;

    private readonly ConcurrentDictionary<Guid, ResiliencePipeline> pipelines = new();

    public ResiliencePipeline For(Guid clusterId) => pipelines.GetOrAdd(clusterId, _ =>
        new ResiliencePipelineBuilder { TimeProvider = time }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = 0.5,
                MinimumThroughput = MinimumThroughput,
                SamplingDuration = TimeSpan.FromSeconds(30),
                BreakDuration = options.Value.BreakDuration,
                // The AS answering about the user (an OCI-P error for that user) is the AS working.
                ShouldHandle = new PredicateBuilder().Handle<OcipException>(e => e is not OcipErrorException)
                    .Handle<OperationCanceledException>(),
            })
            .Build());
}
