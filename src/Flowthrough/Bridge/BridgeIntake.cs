using System.Globalization;
using Flowthrough.Api;
using Flowthrough.Data;
using Flowthrough.Subscribers;
using Flowthrough.Templates;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.Bridge;

/// <summary>Applies one flow-through call to the subscribers table: create, update or remove, idempotent by userId.</summary>
public static class BridgeIntake
{
    public sealed record Outcome(int HttpStatus, BridgeAccepted? Accepted, IReadOnlyList<ApiError>? Errors, bool Queued);

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

    public static async Task<Outcome> ApplyAsync(FlowthroughDbContext db, OnboardingTemplate template,
        BridgeUserRequest request, DateTime now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(template);
        var errors = Validate(request);
        if (errors.Count > 0)
        {
            return new Outcome(errors[0].Error.HttpStatus, null, errors, false);
        }

        var userId = request.UserId!.Trim();
        return request.IsActive is true
            ? await UpsertAsync(db, template, request, userId, now, cancellationToken)
            : await RemoveAsync(db, template, userId, now, cancellationToken);
    }

    public static async Task<Outcome> RemoveAsync(FlowthroughDbContext db, OnboardingTemplate template, string userId,
        DateTime now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(template);
        var existing = await db.Subscribers
            .FirstOrDefaultAsync(s => s.PartnerId == template.PartnerId && s.UserId == userId, cancellationToken);
        if (existing is null)
        {
            // Already gone: repeating a removal changes nothing.
            return new Outcome(StatusCodes.Status202Accepted, new BridgeAccepted(null, userId, "deleted"), null, false);
        }

        await SubscriberRemoval.RemoveAsync(db, existing, Actors.BroadWorks, now, cancellationToken);
        return new Outcome(StatusCodes.Status202Accepted, new BridgeAccepted(existing.Id.ToString(), userId, "deleted"),
            null, false);
    }

    private static async Task<Outcome> UpsertAsync(FlowthroughDbContext db, OnboardingTemplate template,
        BridgeUserRequest request, string userId, DateTime now, CancellationToken cancellationToken)
    {
        var existing = await db.Subscribers
            .FirstOrDefaultAsync(s => s.PartnerId == template.PartnerId && s.UserId == userId, cancellationToken);
        if (existing is null)
        {
            var subscriber = Subscriber.Intake(new Subscriber.IntakeDetails(
                template.PartnerId, template.Id, template.ProvisioningId, userId, SpEnterpriseId(template, request),
                request.FirstName!.Trim(), request.LastName!.Trim(), template.DefaultPackage, Blank(request.Email),
                template.EmailTrust == EmailTrust.Trusted, Blank(request.PrimaryPhoneNumber),
                Blank(request.MobilePhoneNumber), Blank(request.Extension), Blank(request.Language) ?? template.DefaultLanguage,
                Blank(request.Timezone), SubscriberSource.FlowThrough), Actors.BroadWorks, now);
            db.Subscribers.Add(subscriber);
            await db.SaveChangesAsync(cancellationToken);
            return Accepted(subscriber, subscriber.Status == SubscriberStatus.Provisioning);
        }

        var changes = new Dictionary<string, string?>();
        Apply(changes, "firstName", existing.FirstName, request.FirstName, v => existing.FirstName = v!);
        Apply(changes, "lastName", existing.LastName, request.LastName, v => existing.LastName = v!);
        // BroadWorks sends the whole user: a number it leaves out has been removed there.
        Apply(changes, "primaryPhoneNumber", existing.PrimaryPhoneNumber, request.PrimaryPhoneNumber ?? "",
            v => existing.PrimaryPhoneNumber = v);
        Apply(changes, "mobilePhoneNumber", existing.MobilePhoneNumber, request.MobilePhoneNumber ?? "",
            v => existing.MobilePhoneNumber = v);
        Apply(changes, "extension", existing.Extension, request.Extension ?? "", v => existing.Extension = v);
        Apply(changes, "timezone", existing.Timezone, request.Timezone, v => existing.Timezone = v);
        if (changes.Count == 0)
        {
            return Accepted(existing, queued: false);
        }

        existing.ChangeDetails(Actors.BroadWorks, now, changes);
        await db.SaveChangesAsync(cancellationToken);
        return Accepted(existing, existing.Status == SubscriberStatus.Updating);
    }

    private static Outcome Accepted(Subscriber subscriber, bool queued) =>
        new(StatusCodes.Status202Accepted,
            new BridgeAccepted(subscriber.Id.ToString(), subscriber.UserId, subscriber.Status.ToWire()), null, queued);

    private static void Apply(Dictionary<string, string?> changes, string field, string? current, string? sent,
        Action<string?> set)
    {
        if (sent is null)
        {
            return;
        }

        var value = Blank(sent);
        if (!string.Equals(value, current, StringComparison.Ordinal))
        {
            changes[field] = value;
            set(value);
        }
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
