using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Flowthrough.Operations;

/// <summary>
/// For load balancers and monitoring: <c>/healthz/live</c> (the process answers), <c>/healthz/ready</c> (and its old
/// name <c>/healthz</c>: the database answers; breakers and the relay backlog reported), and <c>/metrics</c>
/// (Prometheus, OpenTelemetry). Status words are public; details and metrics only for <see cref="OperationsAccess"/>.
/// </summary>
public static class OperationsEndpoints
{
    public static IServiceCollection AddOperations(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddHealthChecks().AddReadinessChecks();
        services.AddSingleton<OperationsAccess>();
        services.AddSingleton<OperationalGauges>();
        services.AddFlowthroughTelemetry(configuration);
        return services;
    }

    public static WebApplication MapOperations(this WebApplication app)
    {
        app.MapHealthChecks("/healthz/live", new HealthCheckOptions { Predicate = _ => false });
        foreach (var path in new[] { "/healthz/ready", "/healthz" })
        {
            app.MapHealthChecks(path, new HealthCheckOptions
            {
                Predicate = check => check.Tags.Contains(ReadinessChecks.Tag),
                ResponseWriter = WriteAsync,
            });
        }

        // The gauges are refreshed before the exporter reads them; strangers get 404, as if there were no metrics.
        app.UseWhen(context => context.Request.Path.StartsWithSegments("/metrics"), branch => branch.Use(async (context, next) =>
        {
            if (!context.RequestServices.GetRequiredService<OperationsAccess>().Allows(context))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            await context.RequestServices.GetRequiredService<OperationalGauges>().RefreshIfStaleAsync(context.RequestAborted);
            await next(context);
        }));
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }

    /// <summary>The status word for anyone (what a load balancer needs); each check's details for allowed callers.</summary>
    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        if (!context.RequestServices.GetRequiredService<OperationsAccess>().Allows(context))
        {
            context.Response.ContentType = "text/plain";
            return context.Response.WriteAsync(report.Status.ToString());
        }

        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new
            {
                status = e.Value.Status.ToString(),
                description = e.Value.Description,
                data = e.Value.Data,
            }),
        }));
    }
}
