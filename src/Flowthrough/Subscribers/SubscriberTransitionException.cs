namespace Flowthrough.Subscribers;

/// <summary>A transition the subscriber's current status does not allow; never silently ignored.</summary>
public sealed class SubscriberTransitionException(Guid subscriberId, SubscriberStatus from, string transition)
    : InvalidOperationException(
        $"Subscriber {subscriberId} is {from.ToWire()}; '{transition}' is not allowed in that status.")
{
    public Guid SubscriberId { get; } = subscriberId;
    public SubscriberStatus From { get; } = from;
    public string Transition { get; } = transition;
}
