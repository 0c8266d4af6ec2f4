namespace Flowthrough.Subscribers;

/// <summary>
/// A change of a subscriber's details from any caller (API PUT, BroadWorks, Partner Hub). A null field is kept;
/// a blank one removes an optional field. Names are validated by the caller's own rules before they get here.
/// </summary>
public sealed record DetailChange(
    string? UserId = null,
    string? FirstName = null,
    string? LastName = null,
    string? PrimaryPhoneNumber = null,
    string? MobilePhoneNumber = null,
    string? Extension = null,
    string? Language = null,
    string? Timezone = null,
    SubscriberPackage? Package = null);

/// <summary>What <see cref="Subscriber.UpdateDetails"/> changed, or the number field whose removal it refused.</summary>
public sealed record DetailUpdate(IReadOnlyDictionary<string, string?> Changes, string? MissingNumberField);

/// <summary>
/// Marks a transition only the provisioning engine makes. Every other state change goes through
/// <see cref="SubscriberOperations"/>; a test holds the code to that.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class EngineTransitionAttribute : Attribute;
