namespace Flowthrough.Subscribers;

/// <summary>
/// One entry of a subscriber's timeline. Not a foreign key: the timeline outlives a deleted subscriber.
/// </summary>
public sealed class SubscriberEvent
{
    public long Id { get; set; }
    public Guid SubscriberId { get; set; }
    public Guid PartnerId { get; set; }
    public DateTime At { get; set; }
    public required string Kind { get; set; }
    public required string Actor { get; set; }
    public string? FromStatus { get; set; }
    public string? ToStatus { get; set; }
    public string? Data { get; set; }
}

/// <summary>Who caused a change, in the form the timeline stores.</summary>
public static class Actors
{
    public const string BroadWorks = "broadworks";
    public const string Api = "api";
    public const string Subscriber = "subscriber";
    public const string Engine = "engine";

    public static string Admin(Guid adminId) => $"admin:{adminId}";

    /// <summary>An OCI-P sync run (BroadWorks/Sync): the timeline names the run whose report explains the change.</summary>
    public static string Sync(Guid runId) => $"sync:{runId}";
}
