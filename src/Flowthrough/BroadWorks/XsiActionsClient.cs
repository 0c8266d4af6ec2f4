using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Flowthrough.Security;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Flowthrough.BroadWorks;

/// <summary>A BroadWorks user as the Xsi-Actions profile describes them.</summary>
public sealed record XsiProfile(
    string UserId,
    string? FirstName,
    string? LastName,
    string? GroupId,
    string? ServiceProviderId,
    bool IsEnterprise,
    string? Number,
    string? Extension,
    string? Mobile,
    string? EmailAddress,
    string? TimeZone);

/// <summary>
/// The three answers a password check can have. "Unavailable" (BroadWorks slow, down or answering nonsense)
/// is kept apart from "invalid" so that an outage never counts as a wrong password.
/// </summary>
public abstract record XsiLoginResult
{
    public sealed record Valid(XsiProfile Profile) : XsiLoginResult;

    public sealed record Invalid : XsiLoginResult;

    public sealed record Unavailable(string Reason) : XsiLoginResult;
}

public sealed class XsiOptions
{
    public const string Section = "BroadWorks:Xsi";

    /// <summary>One try's limit; a slow XSP beyond it counts as a transient failure.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>The whole check's limit, retries included: a subscriber is waiting for the page.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(10);

    [Range(0, 5)]
    public int MaxRetries { get; set; } = 2;

    [Range(typeof(TimeSpan), "00:00:00", "00:00:10")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How long the circuit of a failing cluster stays open before one request probes it.</summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "00:10:00")]
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(15);
}

/// <summary>
/// Checks a BroadWorks user's password with the published Xsi-Actions profile request and reads the profile.
/// The password travels only in the Authorization header, which is never logged.
/// </summary>
public sealed partial class XsiActionsClient(HttpClient http, ILogger<XsiActionsClient> logger)
{
    private static readonly XNamespace Xsi = "http://schema.broadsoft.com/xsi";

    /// <summary>A profile is a few kilobytes; an answer far beyond it is refused unread (as "unavailable").</summary>
    public const int MaxProfileBytes = 1024 * 1024;

    // The XSP's answer is parsed like an AS's: no DTD, no entities, bounded size and depth.
    private static readonly XmlReaderSettings ReaderSettings = SafeXml.Settings(MaxProfileBytes);

    public async Task<XsiLoginResult> GetProfileAsync(string xsiActionsUrl, string userId, string password,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(xsiActionsUrl);
        ArgumentNullException.ThrowIfNull(userId);
        ArgumentNullException.ThrowIfNull(password);
        var url = new Uri($"{xsiActionsUrl.TrimEnd('/')}/v2.0/user/{Uri.EscapeDataString(userId)}/profile");
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{userId}:{password}")));
        // Without it BroadWorks answers a wrong password with a challenge that some clients turn into a prompt.
        request.Headers.Add("X-BroadWorks-No-AuthChallenge", "true");
        request.Headers.Accept.ParseAdd("application/xml");

        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                return new XsiLoginResult.Invalid();
            }

            if (response.StatusCode != HttpStatusCode.OK)
            {
                LogUnavailable(logger, url.Host, $"HTTP {(int)response.StatusCode}");
                return new XsiLoginResult.Unavailable($"BroadWorks answered HTTP {(int)response.StatusCode}.");
            }

            var xml = await response.Content.ReadAsStringAsync(cancellationToken);
            return Parse(xml, userId) is { } profile
                ? new XsiLoginResult.Valid(profile)
                : Unavailable(url, "the profile is not valid Xsi XML");
        }
        catch (Exception exception) when (exception is HttpRequestException or TimeoutRejectedException
                                              or BrokenCircuitException or TaskCanceledException
                                          && !cancellationToken.IsCancellationRequested)
        {
            return Unavailable(url, exception switch
            {
                BrokenCircuitException => "too many recent failures; the cluster is rested for a moment",
                TimeoutRejectedException or TaskCanceledException => "it did not answer in time",
                _ => "the connection failed",
            });
        }
    }

    private XsiLoginResult.Unavailable Unavailable(Uri url, string reason)
    {
        LogUnavailable(logger, url.Host, reason);
        return new XsiLoginResult.Unavailable($"BroadWorks at {url.Host} is unavailable: {reason}.");
    }

    /// <summary>Reads <c>Profile/details</c>, <c>Profile/additionalDetails</c> and <c>timeZone</c>; null when the XML is not a profile.</summary>
    public static XsiProfile? Parse(string xml, string requestedUserId)
    {
        XDocument document;
        try
        {
            document = SafeXml.Load(() => XmlReader.Create(new StringReader(xml), ReaderSettings));
        }
        catch (XmlException)
        {
            return null;
        }

        var profile = document.Root;
        if (profile is null || profile.Name != Xsi + "Profile")
        {
            return null;
        }

        var details = profile.Element(Xsi + "details");
        var additional = profile.Element(Xsi + "additionalDetails");
        var serviceProvider = details?.Element(Xsi + "serviceProvider");
        return new XsiProfile(
            Text(details, "userId") ?? requestedUserId,
            Text(details, "firstName"),
            Text(details, "lastName"),
            Text(details, "groupId"),
            serviceProvider?.Value.Trim() is { Length: > 0 } sp ? sp : null,
            string.Equals((string?)serviceProvider?.Attribute("isEnterprise"), "true", StringComparison.OrdinalIgnoreCase),
            Text(details, "number"),
            Text(details, "extension"),
            Text(additional, "mobile"),
            Text(additional, "emailAddress"),
            Text(profile, "timeZone"));
    }

    private static string? Text(XElement? parent, string name) =>
        parent?.Element(Xsi + name)?.Value.Trim() is { Length: > 0 } value ? value : null;

    [LoggerMessage(Level = LogLevel.Warning, Message = "BroadWorks Xsi-Actions at {Host} is unavailable: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string host, string reason);
}

public static class BroadWorksServiceCollectionExtensions
{
    public static IServiceCollection AddBroadWorks(this IServiceCollection services)
    {
        services.AddOptions<XsiOptions>().BindConfiguration(XsiOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<Clusters.ClusterSecrets>();
        services.AddHttpClient<XsiActionsClient>(client =>
            {
                client.Timeout = Timeout.InfiniteTimeSpan;
                client.MaxResponseContentBufferSize = XsiActionsClient.MaxProfileBytes;
            })
            .DialThroughOutboundGuard()
            // The factory's request loggers put every header, the subscriber's Basic password too, unredacted into
            // their log state at Trace (only the message text is redacted): this client logs its own outcomes instead.
            .RemoveAllLoggers()
            .AddResilienceHandler("xsi-actions", (pipeline, context) =>
            {
                var options = context.ServiceProvider.GetRequiredService<IOptions<XsiOptions>>().Value;
                pipeline.AddTimeout(options.TotalTimeout);
                pipeline.AddRetry(new HttpRetryStrategyOptions
                {
                    // Only what a retry can fix: 5xx, 408, 429, timeouts and broken connections, never a 401.
                    MaxRetryAttempts = options.MaxRetries,
                    Delay = options.RetryDelay,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                });
                pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
                {
                    FailureRatio = 0.5,
                    MinimumThroughput = 10,
                    SamplingDuration = TimeSpan.FromSeconds(30),
                    BreakDuration = options.BreakDuration,
                });
                pipeline.AddTimeout(options.AttemptTimeout);
            })
            // One circuit per cluster: an XSP farm that is down must not stop sign-ins on another.
            .SelectPipelineByAuthority();
        return services;
    }
}
