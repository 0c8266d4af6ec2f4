using System.Diagnostics;
using Flowthrough.Subscribers;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Flowthrough.Api;

/// <summary>One failed check: which error, about which field, in what words.</summary>
public sealed record ApiError(ErrorDefinition Error, string? FieldName, string Detail);

/// <summary>
/// Every API error is a ProblemDetails that also carries the shape Webex clients parse
/// (<c>message</c>, <c>errors[]</c>, <c>trackingId</c>) and the <c>errorCode</c> / <c>fieldName</c> extensions.
/// </summary>
public static class ApiProblem
{
    public const string TypeBase = "https://flowthrough.dev/errors/";

    public static ProblemHttpResult Create(HttpContext context, ErrorDefinition error, string? detail = null,
        string? fieldName = null) =>
        Create(context, [new ApiError(error, fieldName, detail ?? error.English)]);

    public static ProblemHttpResult Create(HttpContext context, IReadOnlyList<ApiError> errors)
    {
        ArgumentNullException.ThrowIfNull(context);
        var first = errors[0];
        var problem = new ProblemDetails
        {
            Type = TypeBase + first.Error.Code,
            Title = first.Error.English,
            Status = first.Error.HttpStatus,
            Detail = first.Detail,
            Instance = context.Request.Path,
        };
        Describe(problem, context, errors);
        return TypedResults.Problem(problem);
    }

    /// <summary>Adds the Webex-compatible members to a problem (also used for framework-made problems).</summary>
    public static void Describe(ProblemDetails problem, HttpContext context, IReadOnlyList<ApiError> errors)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var first = errors[0];
        problem.Extensions["errorCode"] = first.Error.Code;
        if (first.FieldName is not null)
        {
            problem.Extensions["fieldName"] = first.FieldName;
        }

        problem.Extensions["message"] = first.Detail;
        problem.Extensions["errors"] = errors
            .Select(e => new WireError(e.Error.Code, e.Detail, e.FieldName))
            .ToArray();
        problem.Extensions["trackingId"] = TrackingId(context);
    }

    public static string TrackingId(HttpContext context) => Activity.Current?.TraceId.ToString() ?? context.TraceIdentifier;

    public sealed record WireError(int ErrorCode, string Description, string? FieldName);
}
