namespace Flowthrough.Security;

/// <summary>
/// Refuses a request whose query string or form fields hold a NUL character (U+0000) as malformed (400). PostgreSQL
/// text cannot store or compare one: a search for "a%00b" failed its statement (22021) and answered 500. No value a
/// page or the API takes can hold one, so the request is refused before any handler reads it. JSON bodies are checked
/// where they are read (<see cref="Api.JsonBody"/>); uploaded files are data, not checked here.
/// </summary>
public static class NulCharacterGuard
{
    public static IApplicationBuilder UseNulCharacterGuard(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var request = context.Request;
        if (HoldsNul(request.Query) || (request.HasFormContentType && await FormHoldsNulAsync(request, context.RequestAborted)))
        {
            await Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad Request",
                detail: "The request holds a NUL character.").ExecuteAsync(context);
            return;
        }

        await next(context);
    });

    private static async Task<bool> FormHoldsNulAsync(HttpRequest request, CancellationToken ct)
    {
        try
        {
            return HoldsNul(await request.ReadFormAsync(ct));
        }
        catch (InvalidDataException)
        {
            // A form beyond the framework's limits: left for the page's own binding to refuse as it always has.
            return false;
        }
    }

    private static bool HoldsNul(IEnumerable<KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues>> values) =>
        values.Any(pair => pair.Key.Contains('\0', StringComparison.Ordinal)
                           || pair.Value.Any(value => value?.Contains('\0', StringComparison.Ordinal) == true));
}
