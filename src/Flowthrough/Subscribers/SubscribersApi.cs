using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Flowthrough.Api;
using Flowthrough.Data;
using Flowthrough.Partners;
using Flowthrough.Provisioning;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Flowthrough.Subscribers;

/// <summary>The public Webex BroadWorks Subscribers API: same paths, field names and semantics.</summary>
public static class SubscribersApi
{
    private const string IdempotencyHeader = "Idempotency-Key";

    public static RouteGroupBuilder MapSubscribersApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/broadworks/subscribers").WithTags("Subscribers");
        group.ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        group.MapGet("/", ListAsync).RequireScope(ApiToken.ReadScope)
            .WithSummary("List subscribers")
            .WithDescription("Filters combine with AND. Pages follow the RFC 8288 Link header (rel=\"next\").");
        group.MapPost("/", ProvisionAsync).RequireScope(ApiToken.WriteScope)
            .Accepts<ProvisionSubscriberRequest>("application/json")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Provision a subscriber")
            .WithDescription("Asynchronous: the answer means provisioning started. With an email the subscriber " +
                "is provisioned at once (trusted); without one it waits in pending_email_input. " +
                "Send an Idempotency-Key header to make retries safe.");
        group.MapPost("/validate", PrecheckAsync).RequireScope(ApiToken.WriteScope)
            .Accepts<ProvisionSubscriberRequest>("application/json")
            .WithSummary("Provisioning precheck")
            .WithDescription("Runs every check provisioning would run, without writing anything.");
        group.MapGet("/{subscriberId}", GetAsync).RequireScope(ApiToken.ReadScope)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Get a subscriber");
        group.MapPut("/{subscriberId}", UpdateAsync).RequireScope(ApiToken.WriteScope)
            .Accepts<UpdateSubscriberRequest>("application/json")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Update a subscriber")
            .WithDescription("Fields left out stay as they are. An empty mobilePhoneNumber removes it; an empty " +
                "primaryPhoneNumber or extension only while the other stays. The email cannot change. A " +
                "provisioned subscriber goes through updating.");
        group.MapDelete("/{subscriberId}", DeleteAsync).RequireScope(ApiToken.WriteScope)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Delete a subscriber")
            .WithDescription("The subscriber's timeline is kept; the user can be onboarded again.");

        routes.MapPost("/v1/subscribers/{subscriberId}/emails/consentMove", ConsentMoveAsync)
            .WithTags("Subscribers")
            .RequireScope(ApiToken.WriteScope)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Resend the consent email")
            .WithDescription("Only for a subscriber in pending_user_migration.");
        return group;
    }

    private static async Task<Results<Ok<SubscriberListResponse>, ProblemHttpResult>> ListAsync(
        [AsParameters] SubscriberListQuery query, ClaimsPrincipal user, FlowthroughDbContext db, HttpContext context)
    {
        var (parsed, errors) = query.Parse();
        if (parsed is null)
        {
            return ApiProblem.Create(context, errors);
        }

        var partnerId = user.PartnerId();
        var rows = db.Subscribers.AsNoTracking().Where(s => s.PartnerId == partnerId && s.Seq > parsed.AfterSeq);
        if (parsed.UserId is { } userId)
        {
            rows = rows.Where(s => s.UserId == userId);
        }

        if (parsed.PersonId is { } personId)
        {
            rows = rows.Where(s => s.PersonId == personId && s.Status == SubscriberStatus.Provisioned);
        }

        if (parsed.NormalizedEmail is { } email)
        {
            rows = rows.Where(s => s.NormalizedEmail == email);
        }

        if (parsed.ProvisioningId is { } provisioningId)
        {
            rows = rows.Where(s => s.ProvisioningId == provisioningId);
        }

        if (parsed.SpEnterpriseId is { } spEnterpriseId)
        {
            rows = rows.Where(s => s.SpEnterpriseId == spEnterpriseId);
        }

        if (parsed.Statuses.Count > 0)
        {
            var statuses = parsed.Statuses.ToArray();
            rows = rows.Where(s => statuses.Contains(s.Status));
        }

        if (parsed.ChangedAfter is { } changedAfter)
        {
            rows = rows.Where(s => s.LastStatusChange > changedAfter);
        }

        if (parsed.CreatedAfter is { } createdAfter)
        {
            rows = rows.Where(s => s.Created > createdAfter);
        }

        if (parsed.SelfActivated is { } selfActivated)
        {
            rows = rows.Where(s => s.SelfActivated == selfActivated);
        }

        // One row more than the page tells whether a next page exists, without counting the table.
        var page = await rows.OrderBy(s => s.Seq).Take(parsed.Max + 1).ToListAsync(context.RequestAborted);
        if (page.Count > parsed.Max)
        {
            page.RemoveAt(page.Count - 1);
            context.Response.Headers.Link = $"<{NextPageUrl(context.Request, page[^1].Seq)}>; rel=\"next\"";
        }

        return TypedResults.Ok(new SubscriberListResponse([.. page.Select(SubscriberResponse.From)]));
    }

    private static string NextPageUrl(HttpRequest request, long lastSeq)
    {
        var query = request.Query
            .Where(p => !string.Equals(p.Key, "cursor", StringComparison.OrdinalIgnoreCase))
            .Select(p => new KeyValuePair<string, string?>(p.Key, p.Value.ToString()))
            .Append(new("cursor", lastSeq.ToString(CultureInfo.InvariantCulture)));
        return $"{request.Scheme}://{request.Host}{request.PathBase}{request.Path}{QueryString.Create(query)}";
    }

    private static async Task<IResult> ProvisionAsync(HttpContext context, ClaimsPrincipal user,
        FlowthroughDbContext db, TimeProvider time, ProvisioningSignal signal, IOptions<JsonOptions> json)
    {
        var body = await JsonBody.ReadAsync<ProvisionSubscriberRequest>(context);
        var partnerId = user.PartnerId();
        var idempotencyKey = context.Request.Headers[IdempotencyHeader].ToString();
        if (idempotencyKey.Length > 200)
        {
            return ApiProblem.Create(context, ErrorCatalog.InvalidSize, "The Idempotency-Key is longer than 200 characters.",
                IdempotencyHeader);
        }

        if (idempotencyKey.Length > 0 && await ReplayAsync(db, partnerId, idempotencyKey, body.Hash, context) is { } replay)
        {
            return replay;
        }

        if (body.Error is { } bodyError)
        {
            return ApiProblem.Create(context, [bodyError]);
        }

        var request = body.Value!;
        var (template, errors) = await CheckProvisionAsync(db, partnerId, request, emailRequired: false, context);
        if (template is null)
        {
            return ApiProblem.Create(context, errors);
        }

        var now = time.GetUtcNow().UtcDateTime;
        // Validated above; a failed parse cannot reach this line.
        _ = WireValues.TryParsePackage(request.Package!, out var package);
        var subscriber = Subscriber.Intake(new Subscriber.IntakeDetails(
            partnerId, template.Id, template.ProvisioningId, request.UserId!.Trim(), request.SpEnterpriseId!.Trim(),
            request.FirstName!.Trim(), request.LastName!.Trim(), package, NullIfBlank(request.Email),
            EmailTrusted: true, NullIfBlank(request.PrimaryPhoneNumber), NullIfBlank(request.MobilePhoneNumber),
            NullIfBlank(request.Extension), NullIfBlank(request.Language), NullIfBlank(request.Timezone),
            SubscriberSource.Api), Actors.Api, now);
        db.Subscribers.Add(subscriber);
        var response = SubscriberResponse.From(subscriber);
        if (idempotencyKey.Length > 0)
        {
            db.IdempotencyRecords.Add(new IdempotencyRecord
            {
                PartnerId = partnerId,
                Key = idempotencyKey,
                RequestHash = body.Hash,
                StatusCode = StatusCodes.Status200OK,
                ResponseBody = JsonSerializer.Serialize(response, json.Value.SerializerOptions),
                Created = now,
            });
        }

        try
        {
            await db.SaveChangesAsync(context.RequestAborted);
        }
        catch (DbUpdateException)
        {
            // A concurrent request won the race for the same key or the same userId.
            db.ChangeTracker.Clear();
            if (idempotencyKey.Length > 0 && await ReplayAsync(db, partnerId, idempotencyKey, body.Hash, context) is { } raced)
            {
                return raced;
            }

            if (await db.Subscribers.AnyAsync(s => s.PartnerId == partnerId && s.UserId == subscriber.UserId,
                    context.RequestAborted))
            {
                return ApiProblem.Create(context, ErrorCatalog.UserIdInUse, fieldName: "userId");
            }

            throw;
        }

        if (subscriber.Status == SubscriberStatus.Provisioning)
        {
            signal.Notify();
        }

        return TypedResults.Ok(response);
    }

    private static async Task<IResult?> ReplayAsync(FlowthroughDbContext db, Guid partnerId, string key, string hash,
        HttpContext context)
    {
        var record = await db.IdempotencyRecords.AsNoTracking()
            .FirstOrDefaultAsync(r => r.PartnerId == partnerId && r.Key == key, context.RequestAborted);
        if (record is null)
        {
            return null;
        }

        if (record.RequestHash != hash)
        {
            return ApiProblem.Create(context, ErrorCatalog.IdempotencyKeyReused, fieldName: IdempotencyHeader);
        }

        context.Response.Headers["Idempotent-Replayed"] = "true";
        return TypedResults.Content(record.ResponseBody, "application/json", statusCode: record.StatusCode);
    }

    /// <summary>Every check provisioning runs before it writes: fields, template, userId, email ownership.</summary>
    private static async Task<(Templates.OnboardingTemplate? Template, List<ApiError> Errors)> CheckProvisionAsync(
        FlowthroughDbContext db, Guid partnerId, ProvisionSubscriberRequest request, bool emailRequired,
        HttpContext context)
    {
        var errors = SubscriberValidation.ValidateProvision(request, emailRequired).Ordered();
        if (errors.Count > 0)
        {
            return (null, errors);
        }

        var template = await db.Templates.AsNoTracking()
            .FirstOrDefaultAsync(t => t.PartnerId == partnerId && t.ProvisioningId == request.ProvisioningId,
                context.RequestAborted);
        if (template is null)
        {
            return (null, [new ApiError(ErrorCatalog.UnknownProvisioningId, "provisioningId",
                $"No onboarding template has the provisioningId '{request.ProvisioningId}'.")]);
        }

        var userId = request.UserId!.Trim();
        if (await db.Subscribers.AnyAsync(s => s.PartnerId == partnerId && s.UserId == userId, context.RequestAborted))
        {
            return (null, [new ApiError(ErrorCatalog.UserIdInUse, "userId", ErrorCatalog.UserIdInUse.English)]);
        }

        if (!string.IsNullOrWhiteSpace(request.Email))
        {
            var owner = await PersonDirectory.FindOwnerAsync(db, request.Email, context.RequestAborted);
            if (owner is { OrganizationId: { } organizationId }
                && !await db.Organizations.AnyAsync(o => o.Id == organizationId && o.PartnerId == partnerId
                    && o.SpEnterpriseId == request.SpEnterpriseId, context.RequestAborted))
            {
                return (null, [new ApiError(ErrorCatalog.EmailInOtherOrganization, "email",
                    ErrorCatalog.EmailInOtherOrganization.English)]);
            }
        }

        return (template, []);
    }

    private static async Task<Results<Ok<PrecheckResponse>, ProblemHttpResult>> PrecheckAsync(HttpContext context,
        ClaimsPrincipal user, FlowthroughDbContext db)
    {
        var body = await JsonBody.ReadAsync<ProvisionSubscriberRequest>(context);
        if (body.Error is { } bodyError)
        {
            return ApiProblem.Create(context, [bodyError]);
        }

        var (template, errors) = await CheckProvisionAsync(db, user.PartnerId(), body.Value!, emailRequired: true, context);
        return template is null
            ? ApiProblem.Create(context, errors)
            : TypedResults.Ok(new PrecheckResponse("success",
                [new PrecheckInfo(100, "Provisioning preCheck validation successful.")]));
    }

    private static async Task<Results<Ok<SubscriberResponse>, ProblemHttpResult>> GetAsync(string subscriberId,
        ClaimsPrincipal user, FlowthroughDbContext db, HttpContext context)
    {
        var subscriber = await FindAsync(db, user, subscriberId, tracking: false, context.RequestAborted);
        return subscriber is null
            ? NotFound(context, subscriberId)
            : TypedResults.Ok(SubscriberResponse.From(subscriber));
    }

    private static async Task<Results<Ok<SubscriberResponse>, ProblemHttpResult>> UpdateAsync(string subscriberId,
        HttpContext context, ClaimsPrincipal user, FlowthroughDbContext db, TimeProvider time,
        ProvisioningSignal signal)
    {
        var body = await JsonBody.ReadAsync<UpdateSubscriberRequest>(context);
        if (body.Error is { } bodyError)
        {
            return ApiProblem.Create(context, [bodyError]);
        }

        var subscriber = await FindAsync(db, user, subscriberId, tracking: true, context.RequestAborted);
        if (subscriber is null)
        {
            return NotFound(context, subscriberId);
        }

        var request = body.Value!;
        var errors = SubscriberValidation.ValidateUpdate(request).Ordered();
        if (request.Email is { Length: > 0 } email
            && !string.Equals(Subscriber.NormalizeEmail(email), subscriber.NormalizedEmail, StringComparison.Ordinal))
        {
            errors.Add(new ApiError(ErrorCatalog.InvalidFormat, "email", "The email of a subscriber cannot be changed."));
        }

        var primary = request.PrimaryPhoneNumber is null ? subscriber.PrimaryPhoneNumber : NullIfBlank(request.PrimaryPhoneNumber);
        var extension = request.Extension is null ? subscriber.Extension : NullIfBlank(request.Extension);
        if (primary is null && extension is null)
        {
            errors.Add(new ApiError(ErrorCatalog.MissingParameter,
                request.PrimaryPhoneNumber is not null ? "primaryPhoneNumber" : "extension",
                "A subscriber keeps a primaryPhoneNumber or an extension; one of them can only be removed while the other stays."));
        }

        if (errors.Count > 0)
        {
            return ApiProblem.Create(context, errors);
        }

        var changes = new Dictionary<string, string?>();
        Change(changes, "firstName", subscriber.FirstName, request.FirstName?.Trim(), v => subscriber.FirstName = v!);
        Change(changes, "lastName", subscriber.LastName, request.LastName?.Trim(), v => subscriber.LastName = v!);
        Change(changes, "primaryPhoneNumber", subscriber.PrimaryPhoneNumber, request.PrimaryPhoneNumber is null ? null : primary ?? "",
            v => subscriber.PrimaryPhoneNumber = NullIfBlank(v));
        Change(changes, "extension", subscriber.Extension, request.Extension is null ? null : extension ?? "",
            v => subscriber.Extension = NullIfBlank(v));
        Change(changes, "mobilePhoneNumber", subscriber.MobilePhoneNumber, request.MobilePhoneNumber,
            v => subscriber.MobilePhoneNumber = NullIfBlank(v));
        Change(changes, "language", subscriber.Language, request.Language, v => subscriber.Language = NullIfBlank(v));
        Change(changes, "timezone", subscriber.Timezone, request.Timezone, v => subscriber.Timezone = NullIfBlank(v));
        if (!string.IsNullOrEmpty(request.Package) && WireValues.TryParsePackage(request.Package, out var package)
            && package != subscriber.Package)
        {
            changes["package"] = package.ToWire();
            subscriber.Package = package;
        }

        if (changes.Count > 0)
        {
            subscriber.ChangeDetails(Actors.Api, time.GetUtcNow().UtcDateTime, changes);
            try
            {
                await db.SaveChangesAsync(context.RequestAborted);
            }
            catch (DbUpdateConcurrencyException)
            {
                return ApiProblem.Create(context, ErrorCatalog.Conflict);
            }

            if (subscriber.Status == SubscriberStatus.Updating)
            {
                signal.Notify();
            }
        }

        return TypedResults.Ok(SubscriberResponse.From(subscriber));
    }

    private static void Change(Dictionary<string, string?> changes, string field, string? current, string? requested,
        Action<string?> apply)
    {
        if (requested is null || string.Equals(NullIfBlank(requested), current, StringComparison.Ordinal))
        {
            return;
        }

        changes[field] = NullIfBlank(requested);
        apply(requested);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string subscriberId,
        HttpContext context, ClaimsPrincipal user, FlowthroughDbContext db, TimeProvider time)
    {
        var subscriber = await FindAsync(db, user, subscriberId, tracking: true, context.RequestAborted);
        if (subscriber is null)
        {
            return NotFound(context, subscriberId);
        }

        await SubscriberRemoval.RemoveAsync(db, subscriber, Actors.Api, time.GetUtcNow().UtcDateTime,
            context.RequestAborted);
        return TypedResults.NoContent();
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> ConsentMoveAsync(string subscriberId,
        HttpContext context, ClaimsPrincipal user, FlowthroughDbContext db, TimeProvider time, ConsentMail consentMail)
    {
        var subscriber = await FindAsync(db, user, subscriberId, tracking: true, context.RequestAborted);
        if (subscriber is null)
        {
            return NotFound(context, subscriberId);
        }

        if (subscriber.Status != SubscriberStatus.PendingUserMigration)
        {
            return ApiProblem.Create(context, ErrorCatalog.InvalidState,
                $"The consent email is only sent to a subscriber in pending_user_migration; this one is {subscriber.Status.ToWire()}.");
        }

        await consentMail.ResendAsync(db, subscriber, Actors.Api, time.GetUtcNow().UtcDateTime, context.RequestAborted);
        return TypedResults.NoContent();
    }

    private static async Task<Subscriber?> FindAsync(FlowthroughDbContext db, ClaimsPrincipal user, string subscriberId,
        bool tracking, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(subscriberId, out var id))
        {
            return null;
        }

        var partnerId = user.PartnerId();
        var query = db.Subscribers.Where(s => s.Id == id && s.PartnerId == partnerId);
        return await (tracking ? query : query.AsNoTracking()).FirstOrDefaultAsync(cancellationToken);
    }

    private static ProblemHttpResult NotFound(HttpContext context, string subscriberId) =>
        ApiProblem.Create(context, ErrorCatalog.NotFound, $"No subscriber has the id '{subscriberId}'.", "subscriberId");

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
