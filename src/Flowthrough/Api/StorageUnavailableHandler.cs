using System.Globalization;
using Flowthrough.Data;
using Flowthrough.Subscribers;
using Microsoft.AspNetCore.Diagnostics;

namespace Flowthrough.Api;

/// <summary>
/// A request the database could not take (PostgreSQL restarting, SQLite's disk full: <see cref="DbErrors.IsTransient"/>)
/// answers 503 with Retry-After, never 500: nothing was committed, so the caller (BroadWorks, an API client, a browser)
/// repeats the same call and gets the answer it would have had. Every route shares this answer, pages included.
/// </summary>
internal sealed partial class StorageUnavailableHandler(ILogger<StorageUnavailableHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception,
        CancellationToken cancellationToken)
    {
        if (!exception.IsTransient() || httpContext.Response.HasStarted)
        {
            return false;
        }

        LogUnavailable(logger, httpContext.Request.Method, httpContext.Request.Path, exception.GetBaseException().Message);
        var error = ErrorCatalog.StorageUnavailable;
        var language = CultureInfo.CurrentUICulture.Name;
        httpContext.Response.StatusCode = error.HttpStatus;
        httpContext.Response.Headers.RetryAfter =
            ((int)DbErrors.RetryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        await ApiProblem.Create(httpContext, error, $"{error.Describe(language)} {error.Remedy(language)}")
            .ExecuteAsync(httpContext);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Path} answered 503: the database is unavailable ({Reason})")]
    private static partial void LogUnavailable(ILogger logger, string method, string path, string reason);
}
