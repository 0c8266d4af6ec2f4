using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace BroadWorksSimulator;

/// <summary>The body of a flow-through call: the fields a BroadWorks AS knows about the user.</summary>
internal sealed record BridgeUser(
    string UserId,
    string ServiceProviderId,
    string GroupId,
    string FirstName,
    string LastName,
    string? Email,
    string? PrimaryPhoneNumber,
    string? MobilePhoneNumber,
    string? Extension,
    string? Language,
    string? Timezone,
    bool IsActive);

/// <summary>How a call ended after its retries: the last status and body, or the last transport error.</summary>
internal sealed record BridgeOutcome(string Method, string Url, int? Status, string? Body, string? Error, int Attempts)
{
    public bool Succeeded => Status is >= 200 and < 300;

    public string Describe(string subject)
    {
        var tries = Attempts > 1 ? $" after {Attempts} attempts" : string.Empty;
        return Status is { } status
            ? $"Bridge answered {status} for {subject}{tries}."
            : $"Bridge call for {subject} failed{tries}: {Error}";
    }
}

/// <summary>Calls the product's provisioning bridge as an AS does: HTTP Basic with the provisioning account, retries on 5xx.</summary>
internal sealed partial class BridgeClient(
    IHttpClientFactory httpClients,
    SubscriberStore store,
    IOptions<SimulatorOptions> options,
    CallLog log,
    IHostApplicationLifetime lifetime,
    ILogger<BridgeClient> logger)
{
    public const string HttpClientName = "bridge";
    public const int MaxBatchItems = 1000;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private SimulatorOptions Options => options.Value;

    public string ProvisioningUrl(Subscriber subscriber) => Options.ProvisioningUrl(store.GroupOf(subscriber).ProvisioningId);

    public Task<BridgeOutcome> SendUserAsync(Subscriber subscriber, bool active) =>
        SendAsync(HttpMethod.Post, $"{ProvisioningUrl(subscriber)}/users", JsonSerializer.Serialize(ToBridgeUser(subscriber, active), Json));

    public Task<BridgeOutcome> DeleteUserAsync(Subscriber subscriber) =>
        SendAsync(HttpMethod.Delete, $"{ProvisioningUrl(subscriber)}/users/{Uri.EscapeDataString(subscriber.UserId)}", null);

    /// <summary>One batch call per provisioning URL and per <see cref="MaxBatchItems"/> users, as the product's batch limit asks.</summary>
    public async Task<IReadOnlyList<BridgeOutcome>> SendBatchesAsync(IEnumerable<Subscriber> subscribers)
    {
        var outcomes = new List<BridgeOutcome>();
        foreach (var byUrl in subscribers.GroupBy(ProvisioningUrl))
        {
            foreach (var chunk in byUrl.Chunk(MaxBatchItems))
            {
                var body = JsonSerializer.Serialize(new { items = chunk.Select(s => ToBridgeUser(s, active: true)) }, Json);
                outcomes.Add(await SendAsync(HttpMethod.Post, $"{byUrl.Key}/users:batch", body));
            }
        }

        return outcomes;
    }

    private BridgeUser ToBridgeUser(Subscriber subscriber, bool active)
    {
        var group = store.GroupOf(subscriber);
        return new BridgeUser(subscriber.UserId, group.ServiceProviderId, group.Id, subscriber.FirstName, subscriber.LastName,
            subscriber.Email, subscriber.Number, subscriber.Mobile, subscriber.Extension, subscriber.Language, subscriber.Timezone, active);
    }

    private async Task<BridgeOutcome> SendAsync(HttpMethod method, string url, string? json)
    {
        var client = httpClients.CreateClient(HttpClientName);
        var credentials = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Options.ProvisioningAccount}:{Options.ProvisioningPassword}"));
        var attempts = 1 + Options.BridgeRetries;
        var cancellation = lifetime.ApplicationStopping;
        BridgeOutcome outcome = null!;
        for (var attempt = 1; attempt <= attempts; attempt++)
        {
            if (attempt > 1)
            {
                await Task.Delay(Options.BridgeRetryDelay * Math.Pow(2, attempt - 2), cancellation);
            }

            using var request = new HttpRequestMessage(method, url);
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", credentials);
            if (json is not null)
            {
                request.Content = new StringContent(json, Encoding.UTF8, "application/json");
            }

            var started = Stopwatch.GetTimestamp();
            try
            {
                using var response = await client.SendAsync(request, cancellation);
                var body = await response.Content.ReadAsStringAsync(cancellation);
                outcome = new BridgeOutcome(method.Method, url, (int)response.StatusCode, body, null, attempt);
            }
            catch (HttpRequestException exception)
            {
                outcome = new BridgeOutcome(method.Method, url, null, null, exception.Message, attempt);
            }
            catch (TaskCanceledException) when (!cancellation.IsCancellationRequested)
            {
                outcome = new BridgeOutcome(method.Method, url, null, null, $"No answer within {client.Timeout.TotalSeconds:0} s.", attempt);
            }

            var elapsed = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            log.Record(CallLog.Bridge, method.Method, url, request.Headers.Authorization.ToString(), json, outcome.Status,
                outcome.Error, outcome.Body, attempt, elapsed);
            LogAttempt(method.Method, url, attempt, outcome.Status, outcome.Error);
            // A real AS gives up on a 4xx at once: the request itself is wrong and will not get better.
            if (outcome.Status is < 500)
            {
                break;
            }
        }

        return outcome;
    }

    [LoggerMessage(LogLevel.Information, "Bridge {Method} {Url} attempt {Attempt}: {Status} {Error}")]
    private partial void LogAttempt(string method, string url, int attempt, int? status, string? error);
}
