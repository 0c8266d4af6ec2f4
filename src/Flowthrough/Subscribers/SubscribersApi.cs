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
            .Accepts<PrecheckSubscriberRequest>("application/json")
            .WithSummary("Provisioning precheck")
            .WithDescription("Runs every check provisioning would run, without writing anything. Two variants: the " +
                "email alone (optionally with customerInfo.primaryEmail, the customer to join), or the whole " +
                "subscriber as for a POST. Answers info {infoCode, description}: 100 success, 101 success into an " +
                "existing customer, 102 success after the owner of a consumer account consents.");
        group.MapGet("/{subscriberId}", GetAsync).RequireScope(ApiToken.ReadScope)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Get a subscriber");
        group.MapPut("/{subscriberId}", UpdateAsync).RequireScope(ApiToken.WriteScope)
            .Accepts<UpdateSubscriberRequest>("application/json")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Update a subscriber")
            .WithDescription("Fields left out stay as they are. An empty mobilePhoneNumber removes it; an empty " +
                "primaryPhoneNumber or extension only while the other stays. userId renames the BroadWorks user " +
                "(409 10022 when another subscriber has it). The email cannot change. A provisioned subscriber goes " +
                "through updating. Safe while the engine works on the subscriber: the change is applied to a fresh read.");
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
        FlowthroughDbContext db, ProvisioningChecks checks, SubscriberOperations operations, TimeProvider time,
        IOptions<JsonOptions> json)
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
        var checkResult = await checks.CheckProvisionAsync(partnerId, request, context.RequestAborted);
        if (checkResult.Template is not { } template)
        {
            // A key whose first call is still being written answers as that call will (its replay), not with 10022.
            return idempotencyKey.Length > 0 && await ReplayAsync(db, partnerId, idempotencyKey, body.Hash, context) is { } raced
                ? raced
                : ApiProblem.Create(context, checkResult.Errors);
        }

        // Validated above; a failed parse cannot reach this line.
        _ = WireValues.TryParsePackage(request.Package!, out var package);
        var details = new Subscriber.IntakeDetails(
            partnerId, template.Id, template.ProvisioningId, request.UserId!.Trim(), request.SpEnterpriseId!.Trim(),
            request.FirstName!.Trim(), request.LastName!.Trim(), package, NullIfBlank(request.Email),
            EmailTrusted: true, NullIfBlank(request.PrimaryPhoneNumber), NullIfBlank(request.MobilePhoneNumber),
            NullIfBlank(request.Extension), NullIfBlank(request.Language), NullIfBlank(request.Timezone),
            SubscriberSource.Api);
        var outcome = await operations.ProvisionAsync(details, Actors.Api, (context2, subscriber) =>
        {
            if (idempotencyKey.Length > 0)
            {
                context2.IdempotencyRecords.Add(new IdempotencyRecord
                {
                    PartnerId = partnerId,
                    Key = idempotencyKey,
                    RequestHash = body.Hash,
                    StatusCode = StatusCodes.Status200OK,
                    ResponseBody = JsonSerializer.Serialize(SubscriberResponse.From(subscriber), json.Value.SerializerOptions),
                    Created = time.GetUtcNow().UtcDateTime,
                });
            }
        }, context.RequestAborted);
        if (outcome.Kind == OutcomeKind.Done)
        {
            return TypedResults.Ok(SubscriberResponse.From(outcome.Subscriber!));
        }

        // A concurrent request won the race for the same key or the same userId: answer as its repeat.
        if (idempotencyKey.Length > 0 && await ReplayAsync(db, partnerId, idempotencyKey, body.Hash, context) is { } repeat)
        {
            return repeat;
        }

        return ApiProblem.Create(context, ErrorCatalog.UserIdInUse, fieldName: "userId");
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

    private static async Task<Results<Ok<PrecheckResponse>, ProblemHttpResult>> PrecheckAsync(HttpContext context,
        ClaimsPrincipal user, ProvisioningChecks checks)
    {
        var body = await JsonBody.ReadAsync<PrecheckSubscriberRequest>(context);
        if (body.Error is { } bodyError)
        {
            return ApiProblem.Create(context, [bodyError]);
        }

        var result = await checks.CheckPrecheckAsync(user.PartnerId(), body.Value!, context.RequestAborted);
        return result.Passed
            ? TypedResults.Ok(new PrecheckResponse("success", result.Info))
            : ApiProblem.Create(context, result.Errors);
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
        HttpContext context, ClaimsPrincipal user, FlowthroughDbContext db, SubscriberOperations operations,
        ProvisioningChecks checks)
    {
        var body = await JsonBody.ReadAsync<UpdateSubscriberRequest>(context);
        if (body.Error is { } bodyError)
        {
            return ApiProblem.Create(context, [bodyError]);
        }

        if (!Guid.TryParse(subscriberId, out var id))
        {
            return NotFound(context, subscriberId);
        }

        var request = body.Value!;
        var errors = SubscriberValidation.ValidateUpdate(request).Ordered();
        if (errors.Count > 0)
        {
            return ApiProblem.Create(context, errors);
        }

        var partnerId = user.PartnerId();
        var which = SubscriberOperations.ById(partnerId, id);
        var current = await db.Subscribers.AsNoTracking().FirstOrDefaultAsync(which, context.RequestAborted);
        if (current is null)
        {
            return NotFound(context, subscriberId);
        }

        // The email is the subscriber's identity once provisioned: it is not a field PUT changes.
        if (request.Email is { Length: > 0 } email
            && !string.Equals(Subscriber.NormalizeEmail(email), current.NormalizedEmail, StringComparison.Ordinal))
        {
            return ApiProblem.Create(context, ErrorCatalog.InvalidFormat, "The email of a subscriber cannot be changed.", "email");
        }

        if (request.UserId?.Trim() is { } userId && userId != current.UserId
            && await checks.UserIdErrorAsync(partnerId, userId, context.RequestAborted) is { } userIdError)
        {
            return ApiProblem.Create(context, [userIdError]);
        }

        var outcome = await operations.UpdateDetailsAsync(which, ChangeOf(request), Actors.Api, context.RequestAborted);
        return outcome.Kind switch
        {
            OutcomeKind.NotFound => NotFound(context, subscriberId),
            OutcomeKind.Invalid or OutcomeKind.UserIdInUse => ApiProblem.Create(context, outcome.Errors!),
            OutcomeKind.Conflict => ApiProblem.Create(context, ErrorCatalog.Conflict,
                "The subscriber kept changing while this update was applied; send the PUT again."),
            _ => TypedResults.Ok(SubscriberResponse.From(outcome.Subscriber!)),
        };
    }

    private static DetailChange ChangeOf(UpdateSubscriberRequest request) => new(
        UserId: request.UserId?.Trim(),
        FirstName: request.FirstName,
        LastName: request.LastName,
        PrimaryPhoneNumber: request.PrimaryPhoneNumber,
        MobilePhoneNumber: request.MobilePhoneNumber,
        Extension: request.Extension,
        Language: request.Language,
        Timezone: request.Timezone,
        Package: string.IsNullOrEmpty(request.Package) || !WireValues.TryParsePackage(request.Package, out var package)
            ? null
            : package);

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string subscriberId,
        HttpContext context, ClaimsPrincipal user, SubscriberOperations operations)
    {
        if (!Guid.TryParse(subscriberId, out var id))
        {
            return NotFound(context, subscriberId);
        }

        var removed = await operations.RemoveAsync(SubscriberOperations.ById(user.PartnerId(), id), Actors.Api, null,
            context.RequestAborted);
        return removed.Kind switch
        {
            OutcomeKind.Done => TypedResults.NoContent(),
            OutcomeKind.Conflict => ApiProblem.Create(context, ErrorCatalog.Conflict,
                "The subscriber kept changing while it was being deleted; send the DELETE again."),
            _ => NotFound(context, subscriberId),
        };
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> ConsentMoveAsync(string subscriberId,
        HttpContext context, ClaimsPrincipal user, SubscriberOperations operations)
    {
        if (!Guid.TryParse(subscriberId, out var id))
        {
            return NotFound(context, subscriberId);
        }

        var resent = await operations.ResendConsentAsync(SubscriberOperations.ById(user.PartnerId(), id), Actors.Api,
            context.RequestAborted);
        return resent.Kind switch
        {
            OutcomeKind.Done => TypedResults.NoContent(),
            OutcomeKind.NotAllowed => ApiProblem.Create(context, ErrorCatalog.InvalidState,
                $"The consent email is only sent to a subscriber in pending_user_migration; this one is {resent.Subscriber!.Status.ToWire()}."),
            OutcomeKind.Conflict => ApiProblem.Create(context, ErrorCatalog.Conflict),
            _ => NotFound(context, subscriberId),
        };
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
