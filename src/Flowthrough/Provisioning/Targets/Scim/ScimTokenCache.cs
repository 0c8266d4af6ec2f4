using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Flowthrough.Provisioning.Targets.Scim;

/// <summary>
/// OAuth 2.0 client-credentials tokens per target, reused until a minute before they expire (or the target says
/// 401), so that provisioning a thousand users asks the token endpoint once.
/// </summary>
public sealed class ScimTokenCache(IHttpClientFactory clients, TimeProvider time) : IDisposable
{
    private static readonly TimeSpan Margin = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<(Guid, int), CachedToken> tokens = new();
    private readonly SemaphoreSlim refresh = new(1, 1);

    public void Dispose() => refresh.Dispose();

    private sealed record CachedToken(string Value, DateTimeOffset ExpiresAt);

    public async Task<string> GetAsync(ScimSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var key = (settings.TargetId, settings.Revision);
        if (tokens.TryGetValue(key, out var cached) && cached.ExpiresAt > time.GetUtcNow())
        {
            return cached.Value;
        }

        await refresh.WaitAsync(cancellationToken);
        try
        {
            if (tokens.TryGetValue(key, out cached) && cached.ExpiresAt > time.GetUtcNow())
            {
                return cached.Value;
            }

            var token = await RequestAsync(settings, cancellationToken);
            tokens[key] = token;
            return token.Value;
        }
        finally
        {
            refresh.Release();
        }
    }

    /// <summary>The target refused the token: the next call asks for a new one.</summary>
    public void Forget(ScimSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        tokens.TryRemove((settings.TargetId, settings.Revision), out _);
    }

    private async Task<CachedToken> RequestAsync(ScimSettings settings, CancellationToken cancellationToken)
    {
        var form = new Dictionary<string, string> { ["grant_type"] = "client_credentials" };
        if (!string.IsNullOrWhiteSpace(settings.Scope))
        {
            form["scope"] = settings.Scope;
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, settings.TokenUrl) { Content = new FormUrlEncodedContent(form) };
        // RFC 6749 §2.3.1: HTTP Basic with the form-encoded id and secret is what every server must accept.
        var basic = $"{Uri.EscapeDataString(settings.ClientId ?? "")}:{Uri.EscapeDataString(settings.Secret ?? "")}";
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(basic)));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.Timeout);
        HttpResponseMessage response;
        try
        {
            response = await clients.CreateClient(ScimConnection.ClientName).SendAsync(request, timeout.Token);
        }
        catch (Exception exception) when (exception is HttpRequestException or IOException
                                              || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new TargetUnavailableException($"The token endpoint of {settings.Name} did not answer.", inner: exception);
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if ((int)response.StatusCode is 400 or 401 or 403)
            {
                throw new TargetUnauthorizedException(
                    $"The token endpoint of {settings.Name} refused the client credentials ({(int)response.StatusCode}).",
                    (int)response.StatusCode, null);
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new TargetUnavailableException($"The token endpoint of {settings.Name} answered {(int)response.StatusCode}.",
                    (int)response.StatusCode);
            }

            using var json = JsonDocument.Parse(body);
            var value = json.RootElement.GetProperty("access_token").GetString()
                ?? throw new TargetUnauthorizedException($"The token endpoint of {settings.Name} sent no access_token.", 200, null);
            var lifetime = json.RootElement.TryGetProperty("expires_in", out var expires) && expires.TryGetInt32(out var seconds)
                ? TimeSpan.FromSeconds(seconds)
                : TimeSpan.FromMinutes(5);
            return new CachedToken(value, time.GetUtcNow() + (lifetime > Margin * 2 ? lifetime - Margin : lifetime / 2));
        }
    }
}
