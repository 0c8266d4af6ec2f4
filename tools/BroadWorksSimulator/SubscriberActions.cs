using System.Net.Mail;
using System.Text.RegularExpressions;

namespace BroadWorksSimulator;

/// <summary>A new subscriber as the page form or the JSON API gives it.</summary>
internal sealed record NewSubscriber(
    string? UserId,
    string? Password,
    string? FirstName,
    string? LastName,
    string? GroupId,
    string? Number,
    string? Extension,
    string? Mobile,
    string? Email,
    string? Language,
    string? Timezone,
    bool? ImpActive,
    bool? ImpAssigned = null);

/// <summary>An edit: a field left out (null) keeps its value, an empty string clears an optional one.</summary>
internal sealed record SubscriberChanges(
    string? Password,
    string? FirstName,
    string? LastName,
    string? Number,
    string? Extension,
    string? Mobile,
    string? Email,
    string? Language,
    string? Timezone);

internal enum ActionStatus
{
    Done,
    NotFound,
    Invalid,
    Conflict,
}

/// <summary>What an AS action did; <see cref="Bridge"/> is set when it made a flow-through call.</summary>
internal sealed record ActionResult(ActionStatus Status, string Message, Subscriber? Subscriber = null, BridgeOutcome? Bridge = null);

internal sealed record SwitchOnAllResult(int SwitchedOn, int AlreadyOn, IReadOnlyList<BridgeOutcome> Bridge);

/// <summary>What the AS does when a provider changes a subscriber, including the flow-through calls a real AS makes.</summary>
internal sealed partial class SubscriberActions(SubscriberStore store, BridgeClient bridge)
{
    private const int MaxNameLength = 64;

    public async Task<ActionResult> SetImpAsync(string userId, bool active)
    {
        if (store.Update(userId, s => s with { ImpActive = active, ImpAssigned = s.HasImpAssigned || active }) is not { After: var subscriber })
        {
            return NotFound(userId);
        }

        var outcome = await bridge.SendUserAsync(subscriber, active);
        return new ActionResult(ActionStatus.Done, outcome.Describe(subscriber.UserId), subscriber, outcome);
    }

    public async Task<ActionResult> AddAsync(NewSubscriber input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var subscriber = new Subscriber
        {
            UserId = Clean(input.UserId) ?? string.Empty,
            Password = input.Password ?? string.Empty,
            FirstName = Clean(input.FirstName) ?? string.Empty,
            LastName = Clean(input.LastName) ?? string.Empty,
            GroupId = Clean(input.GroupId) ?? string.Empty,
            Number = Clean(input.Number),
            Extension = Clean(input.Extension),
            Mobile = Clean(input.Mobile),
            Email = Clean(input.Email),
            Language = Clean(input.Language),
            Timezone = Clean(input.Timezone),
            ImpActive = input.ImpActive ?? false,
            ImpAssigned = input.ImpAssigned ?? input.ImpActive ?? false,
        };
        if (subscriber.UserId.Length == 0 || subscriber.UserId.Length > 161 || subscriber.UserId.Any(char.IsWhiteSpace))
        {
            return Invalid("userId is required: up to 161 characters, no spaces.");
        }

        if (store.FindGroup(subscriber.GroupId) is null)
        {
            return Invalid($"groupId must be one of: {string.Join(", ", store.Groups.Select(g => g.Id))}.");
        }

        if (Validate(subscriber) is { } error)
        {
            return Invalid(error);
        }

        if (!store.TryAdd(subscriber))
        {
            return new ActionResult(ActionStatus.Conflict, $"User ID {subscriber.UserId} already exists.");
        }

        if (!subscriber.ImpActive)
        {
            return new ActionResult(ActionStatus.Done, $"Added {subscriber.UserId}.", subscriber);
        }

        var outcome = await bridge.SendUserAsync(subscriber, active: true);
        return new ActionResult(ActionStatus.Done, $"Added {subscriber.UserId}. {outcome.Describe(subscriber.UserId)}", subscriber, outcome);
    }

    public async Task<ActionResult> EditAsync(string userId, SubscriberChanges changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        if (store.Find(userId) is not { } current)
        {
            return NotFound(userId);
        }

        var edited = Apply(current, changes);
        if (Validate(edited) is { } error)
        {
            return Invalid(error);
        }

        // The edit replaces only the fields it names, on whatever is stored by now (an IM&P switch may have happened meanwhile).
        if (store.Update(userId, latest => Apply(latest, changes)) is not { } change)
        {
            return NotFound(userId);
        }

        var (before, after) = change;

        if (!after.ImpActive || !ChangesWhatTheBridgeSees(before, after))
        {
            return new ActionResult(ActionStatus.Done, $"Saved {after.UserId}.", after);
        }

        var outcome = await bridge.SendUserAsync(after, active: true);
        return new ActionResult(ActionStatus.Done, $"Saved {after.UserId}. {outcome.Describe(after.UserId)}", after, outcome);
    }

    public async Task<ActionResult> DeleteAsync(string userId)
    {
        if (store.Remove(userId) is not { } removed)
        {
            return NotFound(userId);
        }

        if (!removed.ImpActive)
        {
            return new ActionResult(ActionStatus.Done, $"Deleted {removed.UserId}.", removed);
        }

        var outcome = await bridge.DeleteUserAsync(removed);
        return new ActionResult(ActionStatus.Done, $"Deleted {removed.UserId}. {outcome.Describe(removed.UserId)}", removed, outcome);
    }

    /// <summary>Switches on everyone in scope who is off and sends them in batch calls; those already on are not sent again.</summary>
    public async Task<SwitchOnAllResult> SwitchOnAllAsync(string? groupId)
    {
        var switched = new List<Subscriber>();
        var alreadyOn = 0;
        foreach (var subscriber in store.All().Where(s => groupId is null || s.GroupId == groupId))
        {
            if (store.Update(subscriber.UserId, s => s with { ImpActive = true, ImpAssigned = true }) is not { } change)
            {
                continue;
            }

            if (change.Before.ImpActive)
            {
                alreadyOn++;
            }
            else
            {
                switched.Add(change.After);
            }
        }

        var outcomes = switched.Count == 0 ? [] : await bridge.SendBatchesAsync(switched);
        return new SwitchOnAllResult(switched.Count, alreadyOn, outcomes);
    }

    private static Subscriber Apply(Subscriber subscriber, SubscriberChanges changes) => subscriber with
    {
        Password = string.IsNullOrEmpty(changes.Password) ? subscriber.Password : changes.Password,
        FirstName = changes.FirstName is null ? subscriber.FirstName : changes.FirstName.Trim(),
        LastName = changes.LastName is null ? subscriber.LastName : changes.LastName.Trim(),
        Number = changes.Number is null ? subscriber.Number : Clean(changes.Number),
        Extension = changes.Extension is null ? subscriber.Extension : Clean(changes.Extension),
        Mobile = changes.Mobile is null ? subscriber.Mobile : Clean(changes.Mobile),
        Email = changes.Email is null ? subscriber.Email : Clean(changes.Email),
        Language = changes.Language is null ? subscriber.Language : Clean(changes.Language),
        Timezone = changes.Timezone is null ? subscriber.Timezone : Clean(changes.Timezone),
    };

    private static bool ChangesWhatTheBridgeSees(Subscriber before, Subscriber after) =>
        before with { Password = after.Password } != after;

    private static string? Validate(Subscriber subscriber)
    {
        if (subscriber.Password.Length == 0)
        {
            return "password is required.";
        }

        if (subscriber.FirstName.Length is 0 or > MaxNameLength || subscriber.LastName.Length is 0 or > MaxNameLength)
        {
            return $"firstName and lastName are required, up to {MaxNameLength} characters.";
        }

        if (subscriber.Number is null && subscriber.Extension is null)
        {
            return "A subscriber needs a number or an extension.";
        }

        if (subscriber.Number is not null && !PhoneNumber().IsMatch(subscriber.Number)
            || subscriber.Mobile is not null && !PhoneNumber().IsMatch(subscriber.Mobile))
        {
            return "number and mobile must be phone numbers: digits with an optional leading +, 4 to 20 digits.";
        }

        if (subscriber.Extension is not null && !ExtensionPattern().IsMatch(subscriber.Extension))
        {
            return "extension must be 2 to 10 digits.";
        }

        return subscriber.Email is not null && !MailAddress.TryCreate(subscriber.Email, out _)
            ? "email is not a valid email address."
            : null;
    }

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static ActionResult NotFound(string userId) => new(ActionStatus.NotFound, $"No subscriber with user ID {userId}.");

    private static ActionResult Invalid(string message) => new(ActionStatus.Invalid, message);

    [GeneratedRegex(@"^\+?[0-9]{4,20}$")]
    private static partial Regex PhoneNumber();

    [GeneratedRegex("^[0-9]{2,10}$")]
    private static partial Regex ExtensionPattern();
}
