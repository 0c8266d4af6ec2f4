using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Flowthrough.Tests.PartnerHub.Targets;

/// <summary>
/// A small SCIM service-provider stand-in on Kestrel (127.0.0.1, a free port) for Test connection: the discovery
/// endpoints of RFC 7644 §4 with the bodies of RFC 7643 §5 and §7, bearer tokens checked for real, an OAuth 2.0
/// client-credentials token endpoint, and a page that answers 200 with HTML (not a SCIM server).
/// </summary>
public sealed class ScimStandIn : IAsyncDisposable
{
    public const string Token = "stand-in-bearer-token-2718";
    public const string ClientId = "flowthrough-client";
    public const string ClientSecret = "stand-in-client-secret-3141";
    private const string IssuedToken = "issued-access-token";
    private const string MediaType = "application/scim+json";

    private readonly WebApplication app;

    private ScimStandIn(WebApplication app) => this.app = app;

    /// <summary>The paths the stand-in was asked for, in order (the per-customer test reads the id it used).</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    public string Url => app.Urls.First();

    /// <summary>A base URL whose schemas include the enterprise user extension.</summary>
    public string Full => $"{Url}/full/scim/v2";

    /// <summary>A base URL whose schemas are User and Group only.</summary>
    public string CoreOnly => $"{Url}/core/scim/v2";

    /// <summary>A base URL per customer: <c>{spEnterpriseId}</c> is filled in by Flowthrough.</summary>
    public string PerCustomer => $"{Url}/tenants/{{spEnterpriseId}}/scim/v2";

    public string Html => $"{Url}/html";

    public string TokenUrl => $"{Url}/oauth/token";

    public static async Task<ScimStandIn> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(["--urls", "http://127.0.0.1:0"]);
        var app = builder.Build();
        var standIn = new ScimStandIn(app);
        app.Use(async (context, next) =>
        {
            standIn.Requests.Enqueue(context.Request.Path);
            await next(context);
        });
        app.MapPost("/oauth/token", (HttpRequest request) =>
        {
            var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{ClientId}:{ClientSecret}"));
            return request.Headers.Authorization.ToString() == $"Basic {basic}"
                ? Results.Json(new { access_token = IssuedToken, token_type = "Bearer", expires_in = 3600 })
                : Results.Json(new { error = "invalid_client" }, statusCode: 401);
        });
        app.MapGet("/html/{**path}", () => Results.Content("<!DOCTYPE html><html><body>Welcome</body></html>", "text/html"));
        app.MapGet("/{variant}/scim/v2/ServiceProviderConfig", (HttpRequest request) => Authorized(request) ?? ServiceProviderConfig());
        app.MapGet("/tenants/{id}/scim/v2/ServiceProviderConfig", (HttpRequest request) => Authorized(request) ?? ServiceProviderConfig());
        app.MapGet("/{variant}/scim/v2/Schemas", (HttpRequest request, string variant) => Authorized(request) ?? Schemas(variant == "full"));
        app.MapGet("/tenants/{id}/scim/v2/Schemas", (HttpRequest request) => Authorized(request) ?? Schemas(enterprise: true));
        await app.StartAsync(TestContext.Current.CancellationToken);
        return standIn;
    }

    /// <summary>Null when the bearer token is one the stand-in accepts; the SCIM 401 otherwise (RFC 7644 §3.12).</summary>
    private static IResult? Authorized(HttpRequest request) =>
        request.Headers.Authorization.ToString() is $"Bearer {Token}" or $"Bearer {IssuedToken}"
            ? null
            : Results.Text("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"detail":"Authorization failure","status":"401"}""",
                MediaType, Encoding.UTF8, 401);

    /// <summary>RFC 7643 §8.5's example, with bulk off and sort on so that yes and no both show.</summary>
    private static IResult ServiceProviderConfig() => Results.Text("""
        {
          "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
          "documentationUri": "http://example.com/help/scim.html",
          "patch": { "supported": true },
          "bulk": { "supported": false, "maxOperations": 0, "maxPayloadSize": 0 },
          "filter": { "supported": true, "maxResults": 200 },
          "changePassword": { "supported": false },
          "sort": { "supported": true },
          "etag": { "supported": false },
          "authenticationSchemes": [
            { "name": "OAuth Bearer Token", "description": "Authentication scheme using the OAuth Bearer Token Standard",
              "specUri": "http://www.rfc-editor.org/info/rfc6750", "type": "oauthbearertoken", "primary": true },
            { "name": "HTTP Basic", "description": "Authentication scheme using the HTTP Basic Standard",
              "specUri": "http://www.rfc-editor.org/info/rfc2617", "type": "httpbasic" }
          ],
          "meta": { "resourceType": "ServiceProviderConfig", "location": "https://example.com/v2/ServiceProviderConfig" }
        }
        """, MediaType, Encoding.UTF8);

    /// <summary>A ListResponse (RFC 7644 §4) of the RFC 7643 §7 schema resources, attributes left out.</summary>
    private static IResult Schemas(bool enterprise)
    {
        string Schema(string id, string name) =>
            $$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Schema"],"id":"{{id}}","name":"{{name}}","attributes":[]}""";
        var resources = new List<string>
        {
            Schema("urn:ietf:params:scim:schemas:core:2.0:User", "User"),
            Schema("urn:ietf:params:scim:schemas:core:2.0:Group", "Group"),
        };
        if (enterprise)
        {
            resources.Add(Schema("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", "EnterpriseUser"));
        }

        return Results.Text($$"""
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":{{resources.Count}},
             "itemsPerPage":{{resources.Count}},"startIndex":1,"Resources":[{{string.Join(",", resources)}}]}
            """, MediaType, Encoding.UTF8);
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}
