using Flowthrough.Security;
using System.Text.Json.Serialization;
using Flowthrough.Subscribers;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.OpenApi;
using Scalar.AspNetCore;
using NetEscapades.AspNetCore.SecurityHeaders;

namespace Flowthrough.Api;

public static class ApiSetup
{
    public static IServiceCollection AddFlowthroughApi(this IServiceCollection services)
    {
        services.ConfigureHttpJsonOptions(o =>
        {
            // On the wire a field with no value is left out, never null (DESIGN §3.2).
            o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        });
        services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            if (context.ProblemDetails.Extensions.ContainsKey("errorCode"))
            {
                return;
            }

            // Problems the framework makes (bad request line, unknown route, a crash) get the same shape as ours.
            var error = context.ProblemDetails.Status switch
            {
                StatusCodes.Status404NotFound => ErrorCatalog.NotFound,
                StatusCodes.Status401Unauthorized => ErrorCatalog.Unauthorized,
                StatusCodes.Status403Forbidden => ErrorCatalog.Forbidden,
                >= 400 and < 500 => ErrorCatalog.InvalidFormat,
                _ => null,
            };
            var detail = context.ProblemDetails.Detail ?? context.ProblemDetails.Title ?? "The request failed.";
            if (context.ProblemDetails.Status == StatusCodes.Status404NotFound)
            {
                detail = $"Nothing is found at {context.HttpContext.Request.Path}.";
            }

            if (error is null)
            {
                context.ProblemDetails.Extensions["trackingId"] = ApiProblem.TrackingId(context.HttpContext);
                context.ProblemDetails.Extensions["message"] = detail;
                return;
            }

            ApiProblem.Describe(context.ProblemDetails, context.HttpContext, [new ApiError(error, null, detail)]);
        });
        services.AddExceptionHandler<BadRequestExceptionHandler>();
        services.AddExceptionHandler<StorageUnavailableHandler>();
        services.AddApiTokenAuthentication();
        services.AddOpenApi(o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Flowthrough API";
            document.Info.Description =
                "Onboards BroadWorks subscribers. Field names and semantics follow the public Webex BroadWorks " +
                "Subscribers API. Authenticate with `Authorization: Bearer <token>`.";
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes["bearer"] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "An API token with the spark-admin:broadworks_subscribers_read or _write scope.",
            };
            document.Security ??= [];
            document.Security.Add(new OpenApiSecurityRequirement
            {
                [new OpenApiSecuritySchemeReference("bearer", document)] = [],
            });
            return Task.CompletedTask;
        }));
        return services;
    }

    public static WebApplication UseFlowthroughApi(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseNulCharacterGuard();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapScalarApiReference("/docs", o => o.WithTitle("Flowthrough API").WithOpenApiRoutePattern("/openapi/{documentName}.json"))
            .WithSecurityHeadersPolicy(Security.EdgeSecurity.ApiDocsPolicy);
        return app;
    }

    /// <summary>Malformed requests the framework rejects (bad headers, oversize bodies) answer 400, not 500.</summary>
    private sealed class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception,
            CancellationToken cancellationToken)
        {
            if (exception is not BadHttpRequestException bad)
            {
                return false;
            }

            httpContext.Response.StatusCode = bad.StatusCode;
            return await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = httpContext,
                Exception = exception,
                ProblemDetails = { Status = bad.StatusCode, Detail = bad.Message },
            });
        }
    }
}
