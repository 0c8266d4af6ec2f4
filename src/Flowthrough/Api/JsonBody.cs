using System.Security.Cryptography;
using System.Text.Json;
using Flowthrough.Subscribers;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Flowthrough.Api;

/// <summary>A request body read by hand, so that malformed JSON gets our 1003 answer and the raw bytes can be hashed.</summary>
public sealed record JsonBody<T>(T? Value, string Hash, ApiError? Error)
    where T : class;

public static class JsonBody
{
    /// <summary>Bodies above this are refused before parsing; the largest valid request is a few kilobytes.</summary>
    public const int MaxBytes = 64 * 1024;

    public static async Task<JsonBody<T>> ReadAsync<T>(HttpContext context, int maxBytes = MaxBytes)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        if (request.ContentLength > maxBytes)
        {
            return Failed<T>(new ApiError(ErrorCatalog.InvalidSize, null, $"The request body is larger than {maxBytes} bytes."));
        }

        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, context.RequestAborted);
        if (buffer.Length > maxBytes)
        {
            return Failed<T>(new ApiError(ErrorCatalog.InvalidSize, null, $"The request body is larger than {maxBytes} bytes."));
        }

        var bytes = buffer.ToArray();
        var hash = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (bytes.Length == 0)
        {
            return new(null, hash, new ApiError(ErrorCatalog.InvalidFormat, null, "The request body is empty; send a JSON object."));
        }

        if (HoldsNul(bytes))
        {
            return new(null, hash, new ApiError(ErrorCatalog.InvalidFormat, null, "The request body holds a NUL character (\\u0000)."));
        }

        var options = context.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        try
        {
            var value = JsonSerializer.Deserialize<T>(bytes, options);
            return value is null
                ? new(null, hash, new ApiError(ErrorCatalog.InvalidFormat, null, "The request body must be a JSON object."))
                : new(value, hash, null);
        }
        catch (JsonException exception)
        {
            var field = exception.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal)
                ? path[2..]
                : null;
            var detail = field is null
                ? $"The request body is not valid JSON (line {exception.LineNumber + 1}, position {exception.BytePositionInLine + 1})."
                : $"The field {field} does not have the expected JSON type.";
            return new(null, hash, new ApiError(ErrorCatalog.InvalidFormat, field, detail));
        }
    }

    /// <summary>
    /// Whether a string in the body unescapes to a NUL character: PostgreSQL text cannot hold one, so such a value would
    /// fail its statement as a 500 after validation let it through. Malformed JSON is left for the deserializer to report.
    /// </summary>
    private static bool HoldsNul(byte[] bytes)
    {
        var reader = new Utf8JsonReader(bytes);
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName && reader.ValueIsEscaped
                    && reader.GetString()!.Contains('\0', StringComparison.Ordinal))
                {
                    return true;
                }
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return false;
        }

        return false;
    }

    private static JsonBody<T> Failed<T>(ApiError error)
        where T : class => new(null, "", error);
}
