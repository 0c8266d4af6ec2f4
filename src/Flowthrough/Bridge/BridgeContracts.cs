namespace Flowthrough.Bridge;

/// <summary>
/// What BroadWorks sends about one user: our contract, modelled on the data BroadWorks holds
/// (its own call format to a provisioning URL is not published).
/// </summary>
public sealed class BridgeUserRequest
{
    public string? UserId { get; set; }
    public string? ServiceProviderId { get; set; }
    public string? GroupId { get; set; }
    public string? FirstName { get; set; }
    public string? LastName { get; set; }

    /// <summary>BroadWorks' email attribute; trusted only when the template trusts emails.</summary>
    public string? Email { get; set; }

    public string? PrimaryPhoneNumber { get; set; }
    public string? MobilePhoneNumber { get; set; }
    public string? Extension { get; set; }
    public string? Language { get; set; }
    public string? Timezone { get; set; }

    /// <summary>Integrated IM&amp;P on (create or update) or off (remove).</summary>
    public bool? IsActive { get; set; }
}

public sealed class BridgeBatchRequest
{
    public List<BridgeUserRequest?>? Items { get; set; }
}

/// <summary>Accepted means started, never finished: <c>status</c> is where the subscriber is now.</summary>
public sealed record BridgeAccepted(string? Id, string UserId, string Status);

public sealed record BridgeBatchItem(
    int Index,
    string? UserId,
    int HttpStatus,
    string? Id = null,
    string? Status = null,
    int? ErrorCode = null,
    string? FieldName = null,
    string? Description = null);

public sealed record BridgeBatchResponse(int Accepted, int Failed, IReadOnlyList<BridgeBatchItem> Items);
