using System.Collections;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.RazorPages.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Flowthrough.Tests.Security;

/// <summary>A value a handler binds from the query or the form (not the route) that can hold an ID.</summary>
internal sealed record RouteInput(string Key, Type Type)
{
    /// <summary>The last part of the key, lower case: what decides how it is filled.</summary>
    public string Name => Key[(Key.LastIndexOf('.') + 1)..].ToLowerInvariant();

    public bool IsDictionary => Type.IsGenericType && Type.GetGenericTypeDefinition() == typeof(Dictionary<,>);
}

/// <summary>One way in: a method on a route pattern, for a Razor page also its named handler.</summary>
internal sealed record RouteCase(string Method, string Pattern, string? Handler, bool IsPage,
    IReadOnlyList<string> RouteParameters, IReadOnlyList<RouteInput> Inputs)
{
    public string Name => $"{Method} {Pattern}{(Handler is null ? "" : $" (handler {Handler})")}";

    public bool IsMutating => Method is not ("GET" or "HEAD" or "OPTIONS");
}

/// <summary>
/// Every route the app serves, read from its <see cref="EndpointDataSource"/>: minimal API endpoints by their HTTP
/// methods, Razor pages by each handler method (loaded with the app's <see cref="PageLoader"/>) with the handler's
/// parameters and the page's bound properties that can carry an ID (GUIDs, GUID lists and keys, "…Id" strings).
/// </summary>
internal static class RouteCatalog
{
    public static async Task<(IReadOnlyList<RouteCase> Cases, int Endpoints)> EnumerateAsync(IServiceProvider services)
    {
        var source = services.GetRequiredService<EndpointDataSource>();
        var loader = services.GetRequiredService<PageLoader>();
        var cases = new List<RouteCase>();
        var endpoints = source.Endpoints.OfType<RouteEndpoint>().ToList();
        foreach (var endpoint in endpoints)
        {
            // Razor page templates are kept without their leading slash; one form for both kinds.
            var pattern = "/" + (endpoint.RoutePattern.RawText ?? "").TrimStart('/');
            var routeParameters = endpoint.RoutePattern.Parameters.Select(p => p.Name).ToList();
            var page = endpoint.Metadata.GetMetadata<PageActionDescriptor>();
            if (page is null)
            {
                var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"];
                cases.AddRange(methods.Select(m => new RouteCase(m.ToUpperInvariant(), pattern, null, false, routeParameters, [])));
                continue;
            }

            var compiled = page as CompiledPageActionDescriptor ?? await loader.LoadAsync(page, endpoint.Metadata);
            foreach (var handler in compiled.HandlerMethods)
            {
                var method = handler.HttpMethod.ToUpperInvariant();
                var inputs = new List<RouteInput>();
                foreach (var parameter in handler.Parameters)
                {
                    var key = parameter.BindingInfo?.BinderModelName ?? parameter.Name;
                    if (!routeParameters.Contains(key, StringComparer.OrdinalIgnoreCase))
                    {
                        inputs.AddRange(Inputs(key, parameter.ParameterType, 0));
                    }
                }

                foreach (var property in compiled.BoundProperties)
                {
                    if (property.BindingInfo?.RequestPredicate is { } bound && !bound(ContextFor(method)))
                    {
                        continue;
                    }

                    inputs.AddRange(Inputs(property.BindingInfo?.BinderModelName ?? property.Name, property.ParameterType, 0));
                }

                cases.Add(new RouteCase(method, pattern, handler.Name, true, routeParameters, inputs));
            }
        }

        return (cases, endpoints.Count);
    }

    private static ActionContext ContextFor(string method) =>
        new(new DefaultHttpContext { Request = { Method = method } }, new RouteData(), new ActionDescriptor());

    /// <summary>The parts of a bound value that can carry an ID: itself, or the properties of an input model.</summary>
    private static IEnumerable<RouteInput> Inputs(string key, Type type, int depth)
    {
        var plain = Nullable.GetUnderlyingType(type) ?? type;
        if (plain == typeof(Guid)
            || (plain.IsGenericType && plain.GetGenericArguments()[0] == typeof(Guid) && typeof(IEnumerable).IsAssignableFrom(plain))
            || (plain == typeof(string) && key.EndsWith("Id", StringComparison.Ordinal)))
        {
            yield return new RouteInput(key, plain);
            yield break;
        }

        if (depth >= 2 || !plain.IsClass || plain == typeof(string) || plain.Assembly != typeof(Program).Assembly)
        {
            yield break;
        }

        foreach (var property in plain.GetProperties().Where(p => p.CanWrite && p.GetIndexParameters().Length == 0))
        {
            foreach (var input in Inputs($"{key}.{property.Name}", property.PropertyType, depth + 1))
            {
                yield return input;
            }
        }
    }
}
