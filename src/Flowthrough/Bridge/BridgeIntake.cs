using System.Globalization;
using Flowthrough.Api;
using Flowthrough.Subscribers;
using Flowthrough.Templates;

namespace Flowthrough.Bridge;

/// <summary>Applies one flow-through call to the subscribers table: create, update or remove, idempotent by userId.</summary>
public static class BridgeIntake
{
    public sealed record Outcome(int HttpStatus, BridgeAccepted? Accepted, IReadOnlyList<ApiError>? Errors);

    /// <summary>
    /// BroadWorks stores a user's language by name ("Polish", "English"); the API keeps ISO codes. A name that
    /// names a language becomes its code; anything else is left for validation to report.
    /// </summary>
    public static string? LanguageCode(string? language)
    {
        if (string.IsNullOrWhiteSpace(language) || language.Length <= 5)
        {
            return language;
        }

        var culture = CultureInfo.GetCultures(CultureTypes.NeutralCultures)
            .FirstOrDefault(c => string.Equals(c.EnglishName, language.Trim(), StringComparison.OrdinalIgnoreCase));
        return culture is null ? language : culture.TwoLetterISOLanguageName;
    }

    public static List<ApiError> Validate(BridgeUserRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Language = LanguageCode(request.Language);
        var errors = new List<ApiError>();
        SubscriberValidation.Required(errors, "userId", request.UserId);
        SubscriberValidation.Required(errors, "serviceProviderId", request.ServiceProviderId);
        SubscriberValidation.Required(errors, "groupId", request.GroupId);
        if (request.IsActive is null)
        {
            errors.Add(new ApiError(ErrorCatalog.MissingParameter, "isActive", "The mandatory field isActive is missing."));
        }

        if (request.IsActive is true)
        {
            SubscriberValidation.Required(errors, "firstName", request.FirstName);
            SubscriberValidation.Required(errors, "lastName", request.LastName);
            if (string.IsNullOrWhiteSpace(request.PrimaryPhoneNumber) && string.IsNullOrWhiteSpace(request.Extension))
            {
                errors.Add(new ApiError(ErrorCatalog.MissingParameter, "primaryPhoneNumber",
                    "A primaryPhoneNumber or an extension is required."));
            }
        }

        SubscriberValidation.MaxLength(errors, "userId", request.UserId, SubscriberLimits.UserId);
        SubscriberValidation.MaxLength(errors, "serviceProviderId", request.ServiceProviderId, SubscriberLimits.SpEnterpriseId / 2);
        SubscriberValidation.MaxLength(errors, "groupId", request.GroupId, SubscriberLimits.SpEnterpriseId / 2);
        SubscriberValidation.ValidateDetails(errors, request.FirstName, request.LastName, request.Email, null,
            request.PrimaryPhoneNumber, request.MobilePhoneNumber, request.Extension, request.Language, request.Timezone);
        return errors.Ordered();
    }

    /// <summary>The enterprise ID in enterprise mode, else service provider and group.</summary>
    public static string SpEnterpriseId(OnboardingTemplate template, BridgeUserRequest request)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(request);
        return template.EnterpriseMode
            ? request.ServiceProviderId!.Trim()
            : $"{request.ServiceProviderId!.Trim()}+{request.GroupId!.Trim()}";
    }

    public static Task<Outcome> ApplyAsync(SubscriberOperations operations, OnboardingTemplate template,
        BridgeUserRequest request, CancellationToken cancellationToken) =>
        ApplyAsync(operations, template, request, Actors.BroadWorks, cancellationToken);

    /// <param name="actor">Who the timeline names: the bridge, or the OCI-P sync run that found the change.</param>
    public static Task<Outcome> ApplyAsync(SubscriberOperations operations, OnboardingTemplate template,
        BridgeUserRequest request, string actor, CancellationToken cancellationToken) =>
        ApplyAsync(operations, null, template, request, actor, cancellationToken);

    /// <param name="writer">When given, a create or update joins the group commit of concurrent calls (single-user
    /// calls); a removal, and every call without it, is applied on its own.</param>
    public static async Task<Outcome> ApplyAsync(SubscriberOperations operations, IntakeWriter? writer,
        OnboardingTemplate template, BridgeUserRequest request, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operations);
        ArgumentNullException.ThrowIfNull(template);
        var errors = Validate(request);
        if (errors.Count > 0)
        {
            return new Outcome(errors[0].Error.HttpStatus, null, errors);
        }

        var userId = request.UserId!.Trim();
        return request.IsActive is true
            ? await UpsertAsync(operations, writer, template, request, userId, actor, cancellationToken)
            : await RemoveAsync(operations, template, userId, actor, cancellationToken);
    }

    public static Task<Outcome> RemoveAsync(SubscriberOperations operations, OnboardingTemplate template,
        string userId, CancellationToken cancellationToken) =>
        RemoveAsync(operations, template, userId, Actors.BroadWorks, cancellationToken);

    public static async Task<Outcome> RemoveAsync(SubscriberOperations operations, OnboardingTemplate template,
        string userId, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operations);
        ArgumentNullException.ThrowIfNull(template);
        var removed = await operations.RemoveAsync(SubscriberOperations.ByUserId(template.PartnerId, userId),
            actor, null, cancellationToken);
        // Already gone (or removed by a concurrent repeat): repeating a removal changes nothing.
        return removed.Kind == OutcomeKind.Conflict
            ? Conflicted(userId)
            : new Outcome(StatusCodes.Status202Accepted,
                new BridgeAccepted(removed.Subscriber?.Id.ToString(), userId, "deleted"), null);
    }

    private static async Task<Outcome> UpsertAsync(SubscriberOperations operations, IntakeWriter? writer,
        OnboardingTemplate template, BridgeUserRequest request, string userId, string actor, CancellationToken cancellationToken)
    {
        var (details, whole) = Intake(template, request, userId);
        var outcome = writer is null
            ? await operations.UpsertFromBroadWorksAsync(details, whole, actor, cancellationToken)
            : await writer.UpsertFromBroadWorksAsync(new BroadWorksUser(details, whole, actor), cancellationToken);
        return Answer(outcome, userId);
    }

    private static Outcome Answer(SubscriberOutcome outcome, string userId) =>
        outcome.Subscriber is not { } subscriber
            ? Conflicted(userId)
            : new Outcome(StatusCodes.Status202Accepted,
                new BridgeAccepted(subscriber.Id.ToString(), subscriber.UserId, subscriber.Status.ToWire()), null);

    /// <summary>
    /// A batch's items in order. When every valid item switches a user on, they are applied together in one transaction
    /// (<see cref="SubscriberOperations.UpsertGroupFromBroadWorksAsync"/>), a commit per batch instead of per item; a
    /// batch with a removal (whose order among the items matters), and a batch that lost a race, goes item by item.
    /// </summary>
    public static async Task<IReadOnlyList<Outcome>> ApplyManyAsync(SubscriberOperations operations,
        OnboardingTemplate template, IReadOnlyList<BridgeUserRequest> requests, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operations);
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(requests);
        var outcomes = new Outcome?[requests.Count];
        var activations = new List<(int Index, BroadWorksUser User)>(requests.Count);
        var removals = false;
        for (var i = 0; i < requests.Count; i++)
        {
            var errors = Validate(requests[i]);
            if (errors.Count > 0)
            {
                outcomes[i] = new Outcome(errors[0].Error.HttpStatus, null, errors);
            }
            else if (requests[i].IsActive is true)
            {
                var userId = requests[i].UserId!.Trim();
                var (details, whole) = Intake(template, requests[i], userId);
                activations.Add((i, new BroadWorksUser(details, whole, Actors.BroadWorks)));
            }
            else
            {
                removals = true;
            }
        }

        if (!removals && activations.Count > 0
            && await operations.UpsertGroupFromBroadWorksAsync([.. activations.Select(a => a.User)], cancellationToken) is { } grouped)
        {
            for (var k = 0; k < activations.Count; k++)
            {
                outcomes[activations[k].Index] = Answer(grouped[k], activations[k].User.Details.UserId);
            }
        }

        for (var i = 0; i < requests.Count; i++)
        {
            // A concurrent call for the same user is this item's repeat: the operation answers as a repeat would.
            outcomes[i] ??= await ApplyAsync(operations, template, requests[i], cancellationToken);
        }

        return [.. outcomes.Select(o => o!)];
    }

    /// <summary>
    /// A validated active user as intake details (for a new subscriber) and as the whole-user change (for an existing
    /// one). BroadWorks sends the whole user: a number it leaves out has been removed there. Language and package stay
    /// as the subscriber (or an admin) chose them after intake.
    /// </summary>
    public static (Subscriber.IntakeDetails Details, DetailChange Whole) Intake(OnboardingTemplate template,
        BridgeUserRequest request, string userId)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(request);
        var details = new Subscriber.IntakeDetails(
            template.PartnerId, template.Id, template.ProvisioningId, userId, SpEnterpriseId(template, request),
            request.FirstName!.Trim(), request.LastName!.Trim(), template.DefaultPackage, Blank(request.Email),
            template.EmailTrust == EmailTrust.Trusted, Blank(request.PrimaryPhoneNumber),
            Blank(request.MobilePhoneNumber), Blank(request.Extension), Blank(request.Language) ?? template.DefaultLanguage,
            Blank(request.Timezone), SubscriberSource.FlowThrough);
        var whole = new DetailChange(FirstName: request.FirstName, LastName: request.LastName,
            PrimaryPhoneNumber: request.PrimaryPhoneNumber ?? "", MobilePhoneNumber: request.MobilePhoneNumber ?? "",
            Extension: request.Extension ?? "", Timezone: request.Timezone);
        return (details, whole);
    }

    /// <summary>The row kept changing under every fresh read: BroadWorks retries the call.</summary>
    private static Outcome Conflicted(string userId) =>
        new(StatusCodes.Status409Conflict, null,
            [new ApiError(ErrorCatalog.Conflict, "userId", $"{ErrorCatalog.Conflict.English} ({userId})")]);

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
