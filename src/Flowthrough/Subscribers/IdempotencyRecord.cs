namespace Flowthrough.Subscribers;

/// <summary>The stored answer to a POST with an Idempotency-Key, so a repeat gets the same answer.</summary>
public sealed class IdempotencyRecord
{
    public long Id { get; set; }
    public Guid PartnerId { get; set; }
    public required string Key { get; set; }
    public required string RequestHash { get; set; }
    public int StatusCode { get; set; }
    public required string ResponseBody { get; set; }
    public string? Location { get; set; }
    public DateTime Created { get; set; }
}
