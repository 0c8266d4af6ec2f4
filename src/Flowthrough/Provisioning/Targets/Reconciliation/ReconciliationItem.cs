using System.Text.Json;
using System.Text.Json.Serialization;

namespace Flowthrough.Provisioning.Targets.Reconciliation;

public enum DriftKind
{
    /// <summary>A provisioned subscriber has no user in the target (none with its id or external id), or an inactive one.</summary>
    Missing,

    /// <summary>A user of the organisation that no subscriber of the template has.</summary>
    Extra,

    /// <summary>A provisioned subscriber's user whose attributes differ from what Flowthrough would send.</summary>
    Different,
}

public enum DriftResolution
{
    Open,
    Repushed,
    Adopted,
    Ignored,
}

/// <summary>One drift a run found, and what an admin did about it.</summary>
public sealed class ReconciliationItem
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public Guid RunId { get; init; }

    public DriftKind Kind { get; init; }

    /// <summary>Missing, Different: the subscriber. Extra: the subscriber Adopt would link the user to, if any.</summary>
    public Guid? SubscriberId { get; init; }

    /// <summary>The user's id in the target, when there is a user.</summary>
    public string? TargetUserId { get; init; }

    /// <summary>The user's name in the target, or the subscriber's email when the user is missing.</summary>
    public string UserName { get; init; } = "";

    /// <summary>What differs, as JSON (<see cref="DriftDetails"/>).</summary>
    public string Details { get; init; } = "{}";

    public DriftResolution Resolution { get; set; }

    public DateTime? ResolvedAt { get; set; }

    /// <summary>The admin who resolved it (the audit log has the rest).</summary>
    public Guid? ResolvedBy { get; set; }

    /// <summary>What an ignore is remembered by: the target user of an extra one, else the subscriber.</summary>
    public string IgnoreKey => Kind == DriftKind.Extra ? TargetUserId ?? UserName : SubscriberId?.ToString() ?? UserName;

    public DriftDetails ReadDetails() => DriftDetails.Parse(Details);
}

/// <summary>Why an item is drift: the reason a user is missing, the extra user's external id, the attributes that differ.</summary>
public sealed record DriftDetails(
    string? Reason = null,
    string? ExternalId = null,
    bool? Active = null,
    IReadOnlyList<AttributeDifference>? Attributes = null)
{
    /// <summary>No user with the subscriber's id or external id in its organisation.</summary>
    public const string Absent = "absent";

    /// <summary>The user is there but deactivated.</summary>
    public const string Inactive = "inactive";

    /// <summary>The subscriber is provisioned but its customer organisation is unknown.</summary>
    public const string NoOrganization = "no_organization";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static DriftDetails Parse(string? json) =>
        string.IsNullOrWhiteSpace(json) ? new DriftDetails() : JsonSerializer.Deserialize<DriftDetails>(json, Json) ?? new DriftDetails();
}

/// <summary>One attribute as Flowthrough would send it and as the target holds it.</summary>
public sealed record AttributeDifference(string Name, string? Expected, string? Found);

/// <summary>An item an admin chose to ignore: later runs record it as ignored instead of listing it again.</summary>
public sealed class ReconciliationIgnore
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public Guid TemplateId { get; init; }

    public DriftKind Kind { get; init; }

    /// <summary><see cref="ReconciliationItem.IgnoreKey"/>.</summary>
    public required string Key { get; init; }

    public Guid? AdminId { get; init; }

    public DateTime Created { get; init; }
}

/// <summary>
/// The single runner's lease: one row, taken by a conditional update, so that of every node exactly one runs
/// reconciliation (and schedules it) at a time; a dead runner's lease runs out and the next node takes over.
/// </summary>
public sealed class ReconciliationLease
{
    public required string Name { get; init; }

    public string? Owner { get; set; }

    public DateTime? Until { get; set; }
}
