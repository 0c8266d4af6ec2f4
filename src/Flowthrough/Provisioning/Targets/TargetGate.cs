using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;

namespace Flowthrough.Provisioning.Targets;

public enum BreakerState
{
    Closed,
    Open,
    HalfOpen,
}

/// <summary>
/// What stands between the engine and one target on this node: at most <see cref="ProvisioningTarget.MaxConcurrency"/>
/// calls in flight, and a circuit breaker (Polly) that stops calling a target that keeps failing, so its backlog
/// waits quietly instead of using up every subscriber's attempts.
/// </summary>
public sealed class TargetGate : IDisposable
{
    private readonly TimeSpan breakDuration;
    private readonly SemaphoreSlim slots;
    private readonly ResiliencePipeline pipeline;
    private readonly CircuitBreakerStateProvider state = new();

    public TargetGate(int maxConcurrency, TargetOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        MaxConcurrency = Math.Max(1, maxConcurrency);
        breakDuration = options.BreakerBreakDuration;
        slots = new SemaphoreSlim(MaxConcurrency, MaxConcurrency);
        pipeline = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = options.BreakerFailureRatio,
                MinimumThroughput = options.BreakerMinimumThroughput,
                SamplingDuration = options.BreakerSamplingDuration,
                BreakDuration = options.BreakerBreakDuration,
                ShouldHandle = new PredicateBuilder().Handle<TargetUnavailableException>(),
                StateProvider = state,
            })
            .Build();
    }

    public int MaxConcurrency { get; }

    public BreakerState State => state.CircuitState switch
    {
        CircuitState.Open or CircuitState.Isolated => BreakerState.Open,
        CircuitState.HalfOpen => BreakerState.HalfOpen,
        _ => BreakerState.Closed,
    };

    public async Task<T> RunAsync<T>(string targetName, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        await slots.WaitAsync(cancellationToken);
        try
        {
            return await pipeline.ExecuteAsync(async token => await call(token), cancellationToken);
        }
        catch (BrokenCircuitException exception)
        {
            throw new TargetUnavailableException(
                $"{targetName} failed too often; Flowthrough stopped calling it for a while (circuit breaker open).",
                retryAfter: breakDuration, inner: exception) { BreakerOpen = true };
        }
        finally
        {
            slots.Release();
        }
    }

    public void Dispose() => slots.Dispose();
}

/// <summary>Every target's gate on this node, by target id (the built-in directory has its own).</summary>
public sealed class TargetGates(IOptions<TargetOptions> options, TimeProvider time) : IDisposable
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(Guid, int), TargetGate> gates = new();

    public TargetGate For(Guid targetId, int maxConcurrency) =>
        gates.GetOrAdd((targetId, maxConcurrency), _ => new TargetGate(maxConcurrency, options.Value, time));

    /// <summary>The breaker's state as this node sees it; a target not called yet is closed.</summary>
    public BreakerState StateOf(Guid targetId) =>
        gates.Where(g => g.Key.Item1 == targetId).Select(g => g.Value.State).DefaultIfEmpty(BreakerState.Closed).Max();

    /// <summary>Targets whose breaker is open or half-open on this node, for /healthz/ready.</summary>
    public IReadOnlyList<Guid> NotClosed() =>
        gates.Where(g => g.Value.State != BreakerState.Closed).Select(g => g.Key.Item1).Distinct().ToList();

    public void Dispose()
    {
        foreach (var gate in gates.Values)
        {
            gate.Dispose();
        }
    }
}
