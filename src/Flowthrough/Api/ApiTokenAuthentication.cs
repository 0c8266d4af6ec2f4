using System.Security.Claims;
using System.Text.Encodings.Web;
using Flowthrough.Data;
using Flowthrough.Partners;
using Flowthrough.Subscribers;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Flowthrough.Api;

/// <summary>Bearer tokens for the REST API: the secret's hash is looked up, never the secret itself.</summary>
public sealed class ApiTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    FlowthroughDbContext db,
    TimeProvider time)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiToken";
    public const string PartnerClaim = "partner";
    public const string ScopeClaim = "scope";
    public const string TokenClaim = "token";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(header))
        {
            return AuthenticateResult.NoResult();
        }

        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || header.Length <= 7)
        {
            return AuthenticateResult.Fail("The Authorization header is not a bearer token.");
        }

        var hash = ApiToken.Hash(header[7..].Trim());
        var now = time.GetUtcNow().UtcDateTime;
        var token = await db.ApiTokens.AsNoTracking()
            .Where(t => t.TokenHash == hash && t.RevokedAt == null && (t.ExpiresAt == null || t.ExpiresAt > now))
            .Select(t => new { t.Id, t.PartnerId, t.Scopes })
            .FirstOrDefaultAsync(Context.RequestAborted);
        if (token is null)
        {
            return AuthenticateResult.Fail("The bearer token is unknown, revoked or expired.");
        }

        var claims = new List<Claim>
        {
            new(PartnerClaim, token.PartnerId.ToString()),
            new(TokenClaim, token.Id.ToString()),
        };
        claims.AddRange(token.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(s => new Claim(ScopeClaim, s)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        await WriteProblemAsync(ErrorCatalog.Unauthorized, ErrorCatalog.Unauthorized.English);
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        var needed = Context.GetEndpoint()?.Metadata.GetMetadata<RequiredScopeMetadata>()?.Scope;
        await WriteProblemAsync(ErrorCatalog.Forbidden,
            needed is null ? ErrorCatalog.Forbidden.English : $"The token does not carry the scope {needed}.");
    }

    private Task WriteProblemAsync(ErrorDefinition error, string detail) =>
        ApiProblem.Create(Context, error, detail).ExecuteAsync(Context);
}

/// <summary>Names the scope an endpoint needs, so the 403 answer can say which one is missing.</summary>
public sealed record RequiredScopeMetadata(string Scope);

public static class ApiAuthorization
{
    public const string ReadPolicy = "subscribers.read";
    public const string WritePolicy = "subscribers.write";

    public static IServiceCollection AddApiTokenAuthentication(this IServiceCollection services)
    {
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(
                ApiTokenAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(ReadPolicy, p => RequireScope(p, ApiToken.ReadScope))
            .AddPolicy(WritePolicy, p => RequireScope(p, ApiToken.WriteScope));
        return services;
    }

    private static void RequireScope(AuthorizationPolicyBuilder policy, string scope) =>
        policy.AddAuthenticationSchemes(ApiTokenAuthenticationHandler.SchemeName)
            .RequireClaim(ApiTokenAuthenticationHandler.PartnerClaim)
            .RequireClaim(ApiTokenAuthenticationHandler.ScopeClaim, scope);

    public static TBuilder RequireScope<TBuilder>(this TBuilder builder, string scope)
        where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(scope == ApiToken.ReadScope ? ReadPolicy : WritePolicy)
            .WithMetadata(new RequiredScopeMetadata(scope));

    public static Guid PartnerId(this ClaimsPrincipal user) =>
        Guid.Parse(user.FindFirstValue(ApiTokenAuthenticationHandler.PartnerClaim)
            ?? throw new InvalidOperationException("The request is not authenticated with an API token."));
}
