namespace Flowthrough.Operations;

/// <summary>
/// <c>POST /bench/echo</c>: answers 202 with the request body, through the same middleware as the bridge but with no
/// database work. <c>./bench.sh</c> measures it in the same run as the real endpoints, so each HTTP figure can be read
/// as a fraction of what this server and machine can do at all. Off unless <c>Bench:EchoEndpoint=true</c>: it is
/// an unauthenticated endpoint that production has no use for.
/// </summary>
public static class BenchEcho
{
    public const string Setting = "Bench:EchoEndpoint";
    public const string Path = "/bench/echo";

    public static IEndpointRouteBuilder MapBenchEcho(this IEndpointRouteBuilder routes, IConfiguration configuration)
    {
        if (configuration.GetValue<bool>(Setting))
        {
            routes.MapPost(Path, async (HttpContext context) =>
            {
                context.Response.StatusCode = StatusCodes.Status202Accepted;
                context.Response.ContentType = "application/json";
                await context.Request.Body.CopyToAsync(context.Response.Body, context.RequestAborted);
            }).ExcludeFromDescription();
        }

        return routes;
    }
}
