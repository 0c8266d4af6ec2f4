using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Flowthrough.Api;
using Flowthrough.Data;
using Flowthrough.Provisioning;
using Flowthrough.Security;
using Flowthrough.Subscribers;
using Flowthrough.Templates;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Caching.Memory;

namespace Flowthrough.Bridge;

/// <summary>
/// The Provisioning Adapter URL a BroadWorks Application Server calls (<c>/bridge/{provisioningId}</c>),
/// authenticated with the template's provisioning account.
/// </summary>
public static class BridgeApi
{
    public const int MaxBatchItems = 1000;

    public static RouteGroupBuilder MapBridge(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/bridge/{provisioningId}").WithTags("Flow-through bridge")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        group.MapPost("/users", UpsertAsync)
            .Accepts<BridgeUserRequest>("application/json")
            .Produces<BridgeAccepted>(StatusCodes.Status202Accepted)
            .WithSummary("Integrated IM&P switched on/off or user data changed in BroadWorks")
            .WithDescription("isActive=true creates the subscriber or applies changed names and numbers; " +
                "isActive=false removes it. Idempotent by userId. HTTP Basic with the template's provisioning account.");
        group.MapDelete("/users/{userId}", DeleteAsync)
            .Produces<BridgeAccepted>(StatusCodes.Status202Accepted)
            .WithSummary("The user was deleted in BroadWorks");
        group.MapPost("/users:batch", BatchAsync)
            .Accepts<BridgeBatchRequest>("application/json")
            .WithSummary($"Up to {MaxBatchItems} user calls at once, for bulk migrations")
            .WithDescription("Each item gets its own outcome (a failing item never fails the others); the answer lists " +
                "every item's outcome in order.");
        return group;
    }

    private static async Task<IResult> UpsertAsync(string provisioningId, HttpContext context, FlowthroughDbContext db,
        IMemoryCache cache, LoginThrottle throttle, SubscriberOperations operations, IntakeWriter writer)
    {
        var (template, denied) = await AuthorizeAsync(provisioningId, context, db, cache, throttle);
        if (template is null)
        {
            return denied!;
        }

        var body = await JsonBody.ReadAsync<BridgeUserRequest>(context);
        if (body.Error is { } error)
        {
            return ApiProblem.Create(context, [error]);
        }

        // Concurrent single-user calls are committed together (group commit); each is answered after its commit.
        return Answer(context, await BridgeIntake.ApplyAsync(operations, writer, template, body.Value!, Actors.BroadWorks,
            context.RequestAborted));
    }

    private static async Task<IResult> DeleteAsync(string provisioningId, string userId, HttpContext context,
        FlowthroughDbContext db, IMemoryCache cache, LoginThrottle throttle, SubscriberOperations operations)
    {
        var (template, denied) = await AuthorizeAsync(provisioningId, context, db, cache, throttle);
        if (template is null)
        {
            return denied!;
        }

        return Answer(context, await BridgeIntake.RemoveAsync(operations, template, userId.Trim(), context.RequestAborted));
    }

    private static async Task<IResult> BatchAsync(string provisioningId, HttpContext context, FlowthroughDbContext db,
        IMemoryCache cache, LoginThrottle throttle, SubscriberOperations operations)
    {
        var (template, denied) = await AuthorizeAsync(provisioningId, context, db, cache, throttle);
        if (template is null)
        {
            return denied!;
        }

        var body = await JsonBody.ReadAsync<BridgeBatchRequest>(context, maxBytes: 4 * 1024 * 1024);
        if (body.Error is { } error)
        {
            return ApiProblem.Create(context, [error]);
        }

        var items = body.Value!.Items;
        if (items is null || items.Count == 0)
        {
            return ApiProblem.Create(context, ErrorCatalog.MissingParameter, "items must hold at least one user.", "items");
        }

        if (items.Count > MaxBatchItems)
        {
            return ApiProblem.Create(context, ErrorCatalog.InvalidSize,
                $"items holds {items.Count} users; the limit is {MaxBatchItems}.", "items");
        }

        var outcomes = await BridgeIntake.ApplyManyAsync(operations, template, [.. items.OfType<BridgeUserRequest>()],
            context.RequestAborted);
        var results = new List<BridgeBatchItem>(items.Count);
        var next = 0;
        for (var index = 0; index < items.Count; index++)
        {
            var item = items[index];
            if (item is null)
            {
                results.Add(new BridgeBatchItem(index, null, 400, ErrorCode: ErrorCatalog.InvalidFormat.Code,
                    FieldName: $"items[{index}]", Description: "The item is not a JSON object."));
                continue;
            }

            var outcome = outcomes[next++];
            results.Add(outcome.Accepted is { } accepted
                ? new BridgeBatchItem(index, accepted.UserId, outcome.HttpStatus, accepted.Id, accepted.Status)
                : new BridgeBatchItem(index, item.UserId, outcome.HttpStatus, ErrorCode: outcome.Errors![0].Error.Code,
                    FieldName: outcome.Errors[0].FieldName, Description: outcome.Errors[0].Detail));
        }

        var acceptedCount = results.Count(r => r.HttpStatus == StatusCodes.Status202Accepted);
        return TypedResults.Ok(new BridgeBatchResponse(acceptedCount, results.Count - acceptedCount, results));
    }

    private static IResult Answer(HttpContext context, BridgeIntake.Outcome outcome)
    {
        if (outcome.Accepted is null)
        {
            return ApiProblem.Create(context, outcome.Errors!);
        }

        return TypedResults.Json(outcome.Accepted, statusCode: StatusCodes.Status202Accepted);
    }

    /// <summary>
    /// Finds the template and checks the caller's Basic credentials against its provisioning account, with a
    /// delay on every failure and a lockout per source address after repeated ones. The template, its availability and
    /// the address's lockout come from short-lived caches (<see cref="BridgeTemplates.CacheFor"/>,
    /// <see cref="LoginThrottle.LockoutCacheFor"/>), so a call that passes costs no database read here.
    /// </summary>
    private static async Task<(OnboardingTemplate? Template, IResult? Denied)> AuthorizeAsync(string provisioningId,
        HttpContext context, FlowthroughDbContext db, IMemoryCache cache, LoginThrottle throttle)
    {
        var (template, availability, _) = await BridgeTemplates.FindAsync(db, cache, provisioningId, context.RequestAborted);
        if (template is null)
        {
            return (null, ApiProblem.Create(context, ErrorCatalog.UnknownTemplate,
                $"No onboarding template has the provisioning ID '{provisioningId}'.", "provisioningId"));
        }

        // Per template and source address: a bad caller on one template never locks out another template's BroadWorks.
        var source = $"bridge:{template.Id}:{context.Connection.RemoteIpAddress}";
        if (await throttle.LockedForCachedAsync(source, context.RequestAborted) is { } wait)
        {
            context.Response.Headers.RetryAfter = Math.Ceiling(wait.TotalSeconds).ToString(CultureInfo.InvariantCulture);
            return (null, ApiProblem.Create(context, ErrorCatalog.TooManyFailures,
                $"Too many failed sign-ins from this address; try again in {Math.Ceiling(wait.TotalMinutes)} minute(s)."));
        }

        if (!CredentialsMatch(context.Request, template))
        {
            await throttle.RecordFailureAsync(source, context.RequestAborted);
            await throttle.DelayFailureAsync(context.RequestAborted);
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"Flowthrough bridge\", charset=\"UTF-8\"";
            return (null, ApiProblem.Create(context, ErrorCatalog.BadProvisioningCredentials));
        }

        if (!template.FlowThroughEnabled)
        {
            return (null, ApiProblem.Create(context, ErrorCatalog.FlowThroughOff,
                $"Flow-through provisioning is switched off on the template '{template.Name}'."));
        }

        if (availability != Availability.Open)
        {
            return (null, ApiProblem.Create(context, ErrorCatalog.TemplateDisabled,
                $"The onboarding template '{template.Name}' is disabled: it takes no new users."));
        }

        return (template, null);
    }

    /// <summary>Successful checks by (template, password hash version, password), so bulk calls skip PBKDF2 each time.</summary>
    private static readonly ConcurrentDictionary<string, bool> VerifiedCredentials = new(StringComparer.Ordinal);

    private static bool CredentialsMatch(HttpRequest request, OnboardingTemplate template)
    {
        if (template.ProvisioningAccountName is null || template.ProvisioningPasswordHash is null
            || !AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var header)
            || !string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase)
            || header.Parameter is null)
        {
            return false;
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter));
        }
        catch (FormatException)
        {
            return false;
        }

        var separator = decoded.IndexOf(':', StringComparison.Ordinal);
        if (separator < 0 || !string.Equals(decoded[..separator], template.ProvisioningAccountName, StringComparison.Ordinal))
        {
            return false;
        }

        var password = decoded[(separator + 1)..];
        // The cache key holds a hash of the password, never the password itself.
        var key = $"{template.Id}:{template.ProvisioningPasswordHash}:{Secrets.Hash(password)}";
        if (VerifiedCredentials.ContainsKey(key))
        {
            return true;
        }

        var verified = new PasswordHasher<OnboardingTemplate>()
            .VerifyHashedPassword(template, template.ProvisioningPasswordHash, password) != PasswordVerificationResult.Failed;
        if (verified && VerifiedCredentials.Count < 10_000)
        {
            VerifiedCredentials[key] = true;
        }

        return verified;
    }
}
