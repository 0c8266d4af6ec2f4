using Flowthrough.Api;
using Flowthrough.Data;
using Flowthrough.Templates;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.Subscribers;

/// <summary>The precheck's answer on success: <c>info</c> is one object, as the public schema types it.</summary>
public sealed record PrecheckInfo(int InfoCode, string Description);

public sealed record PrecheckResponse(string Message, PrecheckInfo Info);

/// <summary>
/// Every check provisioning runs before it writes, in one place: the REST API's POST and both variants of its
/// precheck (<c>POST /validate</c>) ask the same questions, so a precheck that succeeds predicts a POST that does.
/// </summary>
public sealed class ProvisioningChecks(FlowthroughDbContext db)
{
    public static readonly PrecheckInfo Success = new(100, "Provisioning preCheck validation successful.");

    public static readonly PrecheckInfo JoinsExistingCustomer = new(101,
        "Provisioning preCheck validation successful. The subscriber will be provisioned into an existing customer organisation.");

    public static readonly PrecheckInfo ConsentNeeded = new(102,
        "Provisioning preCheck validation successful. The email belongs to a consumer account: its owner will be asked to consent to the move (pending_user_migration).");

    public sealed record Result(OnboardingTemplate? Template, IReadOnlyList<ApiError> Errors, PrecheckInfo Info)
    {
        public bool Passed => Errors.Count == 0;
    }

    /// <summary>
    /// The precheck has two variants: the email alone (optionally with <c>customerInfo.primaryEmail</c>), or the
    /// whole subscriber as for a POST. Anything besides email and customerInfo makes it the second.
    /// </summary>
    public static bool IsEmailOnly(PrecheckSubscriberRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request is
        {
            ProvisioningId: null, UserId: null, SpEnterpriseId: null, FirstName: null, LastName: null, Package: null,
            PrimaryPhoneNumber: null, MobilePhoneNumber: null, Extension: null, Language: null, Timezone: null,
        };
    }

    public async Task<Result> CheckPrecheckAsync(Guid partnerId, PrecheckSubscriberRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var emailOnly = IsEmailOnly(request);
        var errors = emailOnly ? ValidateEmailOnly(request) : SubscriberValidation.ValidateProvision(request, emailRequired: true);
        if (request.CustomerInfo is { } customer)
        {
            SubscriberValidation.Required(errors, "customerInfo.primaryEmail", customer.PrimaryEmail);
            if (!string.IsNullOrWhiteSpace(customer.PrimaryEmail) && !SubscriberValidation.IsEmail(customer.PrimaryEmail.Trim()))
            {
                errors.Add(new ApiError(ErrorCatalog.InvalidFormat, "customerInfo.primaryEmail",
                    $"'{customer.PrimaryEmail}' is not a valid email address."));
            }
        }

        if (errors.Count > 0)
        {
            return Failed(errors.Ordered());
        }

        return await CheckAsync(partnerId, request, request.CustomerInfo?.PrimaryEmail?.Trim(), emailOnly, cancellationToken);
    }

    /// <summary>The checks of a POST: fields, template, userId, and who owns the email.</summary>
    public async Task<Result> CheckProvisionAsync(Guid partnerId, ProvisionSubscriberRequest request,
        CancellationToken cancellationToken)
    {
        var errors = SubscriberValidation.ValidateProvision(request, emailRequired: false).Ordered();
        return errors.Count > 0
            ? Failed(errors)
            : await CheckAsync(partnerId, request, customerEmail: null, emailOnly: false, cancellationToken);
    }

    private static List<ApiError> ValidateEmailOnly(PrecheckSubscriberRequest request)
    {
        var errors = new List<ApiError>();
        SubscriberValidation.Required(errors, "email", request.Email);
        SubscriberValidation.ValidateDetails(errors, null, null, request.Email, null, null, null, null, null, null);
        return errors;
    }

    private async Task<Result> CheckAsync(Guid partnerId, ProvisionSubscriberRequest request, string? customerEmail,
        bool emailOnly, CancellationToken cancellationToken)
    {
        OnboardingTemplate? template = null;
        if (!emailOnly)
        {
            template = await db.Templates.AsNoTracking()
                .FirstOrDefaultAsync(t => t.PartnerId == partnerId && t.ProvisioningId == request.ProvisioningId,
                    cancellationToken);
            if (template is null)
            {
                return Failed(new ApiError(ErrorCatalog.UnknownProvisioningId, "provisioningId",
                    $"No onboarding template has the provisioningId '{request.ProvisioningId}'."));
            }

            if (await TemplateAvailability.OfAsync(db, template, cancellationToken) != Availability.Open)
            {
                return Failed(new ApiError(ErrorCatalog.TemplateDisabled, "provisioningId",
                    $"The onboarding template '{request.ProvisioningId}' is disabled: it takes no new users."));
            }

            if (await UserIdErrorAsync(partnerId, request.UserId!.Trim(), cancellationToken) is { } userIdError)
            {
                return Failed(userIdError);
            }
        }

        var spEnterpriseId = request.SpEnterpriseId?.Trim();
        CustomerOrganizationRef? customer = null;
        if (customerEmail is not null)
        {
            customer = await OrganizationOfAsync(customerEmail, cancellationToken);
            if (customer is not null && customer.PartnerId != partnerId)
            {
                return Failed(new ApiError(ErrorCatalog.CustomerInOtherPartner, "customerInfo.primaryEmail",
                    ErrorCatalog.CustomerInOtherPartner.English));
            }

            if (customer is not null && spEnterpriseId is not null && customer.SpEnterpriseId != spEnterpriseId)
            {
                return Failed(new ApiError(ErrorCatalog.CustomerMismatch, "customerInfo.primaryEmail",
                    $"customerInfo.primaryEmail names the customer '{customer.SpEnterpriseId}', not '{spEnterpriseId}'."));
            }

            spEnterpriseId ??= customer?.SpEnterpriseId;
        }

        var info = customer is null ? Success : JoinsExistingCustomer;
        if (string.IsNullOrWhiteSpace(request.Email))
        {
            return new Result(template, [], info);
        }

        var email = Subscriber.NormalizeEmail(request.Email);
        if (await db.Subscribers.AsNoTracking().AnyAsync(s => s.PartnerId == partnerId && s.NormalizedEmail == email
                && s.EmailTrusted && s.UserId != (request.UserId ?? "").Trim(), cancellationToken))
        {
            return Failed(new ApiError(ErrorCatalog.EmailInUse, "email", ErrorCatalog.EmailInUse.English));
        }

        var owner = await db.People.AsNoTracking().Where(p => p.NormalizedEmail == email)
            .Select(p => new { p.OrganizationId }).FirstOrDefaultAsync(cancellationToken);
        if (owner is null)
        {
            return new Result(template, [], info);
        }

        if (owner.OrganizationId is not { } organizationId)
        {
            return new Result(template, [], ConsentNeeded);
        }

        // The email's user is in an organisation: only that one, for this partner, can take the subscriber.
        var sameCustomer = await db.Organizations.AsNoTracking().AnyAsync(o => o.Id == organizationId
            && o.PartnerId == partnerId && (spEnterpriseId == null || o.SpEnterpriseId == spEnterpriseId), cancellationToken);
        return sameCustomer
            ? new Result(template, [], JoinsExistingCustomer)
            : Failed(new ApiError(ErrorCatalog.EmailInOtherOrganization, "email", ErrorCatalog.EmailInOtherOrganization.English));
    }

    /// <summary>A userId held in this partner is 10022; held by another partner, 10023 (without naming the partner).</summary>
    public async Task<ApiError?> UserIdErrorAsync(Guid partnerId, string userId, CancellationToken cancellationToken)
    {
        var holders = await db.Subscribers.AsNoTracking().Where(s => s.UserId == userId)
            .Select(s => s.PartnerId).Distinct().Take(2).ToListAsync(cancellationToken);
        if (holders.Contains(partnerId))
        {
            return new ApiError(ErrorCatalog.UserIdInUse, "userId", ErrorCatalog.UserIdInUse.English);
        }

        return holders.Count > 0
            ? new ApiError(ErrorCatalog.UserIdInOtherPartner, "userId", ErrorCatalog.UserIdInOtherPartner.English)
            : null;
    }

    private sealed record CustomerOrganizationRef(Guid PartnerId, string SpEnterpriseId);

    /// <summary>The customer whose user (in Flowthrough, its first user and admin) has this primary email, if any.</summary>
    private async Task<CustomerOrganizationRef?> OrganizationOfAsync(string primaryEmail, CancellationToken cancellationToken)
    {
        var normalized = Subscriber.NormalizeEmail(primaryEmail);
        return await (from person in db.People.AsNoTracking()
                      join organization in db.Organizations.AsNoTracking() on person.OrganizationId equals organization.Id
                      where person.NormalizedEmail == normalized
                      select new CustomerOrganizationRef(organization.PartnerId, organization.SpEnterpriseId))
            .FirstOrDefaultAsync(cancellationToken);
    }

    private static Result Failed(params IReadOnlyList<ApiError> errors) => new(null, errors, Success);
}
