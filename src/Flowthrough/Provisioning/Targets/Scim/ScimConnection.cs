using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Flowthrough.Provisioning.Targets.Scim;

/// <summary>
/// One SCIM request: authentication, the per-request timeout, and every failure turned into the
/// <see cref="TargetException"/> the engine acts on (RFC 7644 §3.12 error responses).
/// </summary>
public sealed class ScimConnection(IHttpClientFactory clients, ScimTokenCache tokens)
{
    public const string ClientName = "scim-targets";
    public const string MediaType = "application/scim+json";

    /// <summary>Headers identity services put their request id in, most specific first; our own trace id otherwise.</summary>
    private static readonly string[] TraceHeaders = ["TrackingID", "request-id", "x-request-id", "X-Okta-Request-Id", "x-ms-request-id"];

    /// <summary>Sends the request; answers the body (null for 204, or for 404 when <paramref name="missingIsNull"/>).</summary>
    public async Task<JsonElement?> SendAsync(ScimSettings settings, HttpMethod method, Uri uri, JsonNode? body,
        CancellationToken cancellationToken, bool missingIsNull = false)
    {
        ArgumentNullException.ThrowIfNull(settings);
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, uri);
            if (body is not null)
            {
                request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, MediaType);
            }

            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(MediaType));
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer",
                settings.Authentication == TargetAuthentication.OAuthClientCredentials
                    ? await tokens.GetAsync(settings, cancellationToken)
                    : settings.Secret);
            using var response = await SendOnceAsync(settings, request, cancellationToken);
            var status = (int)response.StatusCode;
            var traceId = TraceIdOf(response);
            TargetCallTrace.Record(status, traceId);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return string.IsNullOrWhiteSpace(text) ? null : JsonDocument.Parse(text).RootElement.Clone();
            }

            if (status == 404 && missingIsNull)
            {
                return null;
            }

            if (status == 401 && attempt == 1 && settings.Authentication == TargetAuthentication.OAuthClientCredentials)
            {
                // The cached token may have been revoked or expired early: one more try with a fresh one.
                tokens.Forget(settings);
                continue;
            }

            throw Failure(settings, method, uri, response, status, traceId, text);
        }
    }

    private async Task<HttpResponseMessage> SendOnceAsync(ScimSettings settings, HttpRequestMessage request,
        CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.Timeout);
        try
        {
            return await clients.CreateClient(ClientName).SendAsync(request, timeout.Token);
        }
        catch (OperationCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            TargetCallTrace.Record(null, CurrentTraceId());
            throw new TargetUnavailableException(
                $"{settings.Name} did not answer {request.Method} {request.RequestUri?.AbsolutePath} within {settings.Timeout.TotalSeconds:0.#} s.",
                inner: exception);
        }
        catch (Exception exception) when (exception is HttpRequestException or IOException)
        {
            TargetCallTrace.Record(null, CurrentTraceId());
            throw new TargetUnavailableException(
                $"{settings.Name} could not be reached ({exception.Message}).", inner: exception);
        }
    }

    private static TargetException Failure(ScimSettings settings, HttpMethod method, Uri uri, HttpResponseMessage response,
        int status, string? traceId, string text)
    {
        var (scimType, detail) = ReadError(text);
        var what = $"{settings.Name} answered {status} to {method} {uri.AbsolutePath}";
        var described = detail is null ? $"{what}." : $"{what}: {detail}";
        return status switch
        {
            429 or 503 => new TargetUnavailableException(described, status, traceId, RetryAfter(response.Headers.RetryAfter)),
            >= 500 or 408 => new TargetUnavailableException(described, status, traceId),
            401 or 403 => new TargetUnauthorizedException(described, status, traceId),
            409 => new TargetConflictException(described, status, traceId),
            _ => new TargetRejectedException(described, detail ?? $"HTTP {status}", scimType, status, traceId),
        };
    }

    /// <summary>RFC 9110 §10.2.3: seconds, or a date.</summary>
    private static TimeSpan? RetryAfter(RetryConditionHeaderValue? header) => header switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow is { Ticks: > 0 } wait ? wait : TimeSpan.Zero,
        _ => null,
    };

    private static (string? ScimType, string? Detail) ReadError(string text)
    {
        try
        {
            using var json = JsonDocument.Parse(text);
            var root = json.RootElement;
            string? Get(string name) => root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var v)
                && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            return (Get("scimType"), Get("detail") ?? Get("message") ?? Get("error_description"));
        }
        catch (JsonException)
        {
            var trimmed = text.Trim();
            return (null, trimmed.Length == 0 ? null : trimmed[..Math.Min(trimmed.Length, 500)]);
        }
    }

    private static string? TraceIdOf(HttpResponseMessage response)
    {
        foreach (var name in TraceHeaders)
        {
            if (response.Headers.TryGetValues(name, out var values) && values.FirstOrDefault() is { Length: > 0 } value)
            {
                return value;
            }
        }

        return CurrentTraceId();
    }

    private static string? CurrentTraceId() => Activity.Current?.TraceId.ToHexString();

    /// <summary>
    /// A SCIM filter string literal (RFC 7644 §3.4.2.2: JSON string rules). Only what JSON requires is escaped: a
    /// server compares the literal as written, and the default encoder's \u002B for "+" would match nothing.
    /// </summary>
    public static string Quote(string value) => JsonSerializer.Serialize(value, FilterLiteral);

    private static readonly JsonSerializerOptions FilterLiteral = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
