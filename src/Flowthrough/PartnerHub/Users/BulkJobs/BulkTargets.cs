using System.Text.Json;
using Flowthrough.Subscribers;

namespace Flowthrough.PartnerHub.Users.BulkJobs;

/// <summary>
/// The rows a bulk action applies to (every row the User Status filter matches, or the selected rows) and, for Retry
/// Activation, the emails the admin typed. A job keeps it as JSON, so that any worker can resume it.
/// </summary>
public sealed class BulkTargets
{
    /// <summary>Selections up to this size run at once in the request; more, or "all matching", run as a job.</summary>
    public const int MaxInRequest = 500;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>"All matching the filter": the User Status filter (the whole query, so a filter added later is kept).</summary>
    public UserStatusQuery? Filter { get; set; }

    /// <summary>The selected rows, when not all matching.</summary>
    public List<Guid>? Ids { get; set; }

    /// <summary>Retry Activation: the email typed for a selected row (subscriber id → email).</summary>
    public Dictionary<Guid, string> Emails { get; set; } = [];

    /// <summary>Retry Activation: emails pasted as CSV lines userId,email.</summary>
    public Dictionary<string, string> CsvEmails { get; set; } = new(StringComparer.Ordinal);

    public bool AllMatching => Filter is not null;

    public static BulkTargets AllMatchingFilter(UserStatusQuery filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        // A copy without the paging cursor: the action is on every matching row, not on a page.
        var copy = JsonSerializer.Deserialize<UserStatusQuery>(JsonSerializer.Serialize(filter, Json), Json)!;
        copy.After = null;
        copy.Before = null;
        return new BulkTargets { Filter = copy };
    }

    public static BulkTargets Selected(IEnumerable<Guid> ids) => new() { Ids = [.. ids.Distinct()] };

    /// <summary>The rows of the template this applies to, in no particular order.</summary>
    public IQueryable<Subscriber> Query(IQueryable<Subscriber> subscribers, Guid partnerId, Guid templateId)
    {
        if (Filter is not null)
        {
            return Filter.Filter(subscribers, partnerId, templateId);
        }

        var ids = Ids ?? [];
        return subscribers.Where(s => s.PartnerId == partnerId && s.TemplateId == templateId && ids.Contains(s.Id));
    }

    /// <summary>The email to onboard a row with: typed for the row, else from the CSV, else none (null).</summary>
    public string? EmailFor(Guid id, string userId)
    {
        var typed = Emails.GetValueOrDefault(id)?.Trim();
        if (string.IsNullOrEmpty(typed) && CsvEmails.TryGetValue(userId, out var fromCsv))
        {
            typed = fromCsv;
        }

        return string.IsNullOrEmpty(typed) ? null : typed;
    }

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static BulkTargets FromJson(string json) =>
        JsonSerializer.Deserialize<BulkTargets>(json, Json) ?? throw new InvalidOperationException("A bulk job without targets.");
}
