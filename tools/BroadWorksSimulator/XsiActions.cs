using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using System.Net.Http.Headers;

namespace BroadWorksSimulator;

/// <summary>The XSP's Xsi-Actions profile read, which the product uses to check a BroadWorks password.</summary>
internal static class XsiActions
{
    public const string Root = "/com.broadsoft.xsi-actions";

    private static readonly XNamespace Xsi = "http://schema.broadsoft.com/xsi";
    private const string XmlContentType = "application/xml; charset=UTF-8";
    private const string Declaration = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

    public static void MapXsiActions(this IEndpointRouteBuilder app) =>
        app.MapGet(Root + "/v2.0/user/{userId}/profile", ProfileAsync).ExcludeFromDescription();

    private static async Task ProfileAsync(HttpContext context, string userId, SubscriberStore store,
        FaultSwitches faults, CallLog log)
    {
        var started = Stopwatch.GetTimestamp();
        var request = context.Request;
        var url = $"{request.Path}{request.QueryString}";
        var authorization = request.Headers.Authorization.ToString();
        var fault = faults.Current;
        if (fault.XsiLatencyMs > 0)
        {
            await Task.Delay(fault.XsiLatencyMs, context.RequestAborted);
        }

        if (fault.XsiDropConnection)
        {
            log.Record(CallLog.Xsi, request.Method, url, authorization, null, null, "connection dropped (fault XsiDropConnection)",
                null, 1, ElapsedMs(started));
            context.Abort();
            return;
        }

        int status;
        string body;
        if (fault.XsiFail503)
        {
            (status, body) = (StatusCodes.Status503ServiceUnavailable, ErrorInfo("Service temporarily unavailable."));
        }
        else if (Authenticate(authorization, userId, store) is { } subscriber)
        {
            (status, body) = (StatusCodes.Status200OK, Profile(subscriber, store));
        }
        else
        {
            (status, body) = (StatusCodes.Status401Unauthorized, ErrorInfo("Authentication failed: the user ID or password is not valid."));
            // As the product asks XSP to do for API clients: no challenge, so a browser never pops up its own login box.
            if (!string.Equals(request.Headers["X-BroadWorks-No-AuthChallenge"], "true", StringComparison.OrdinalIgnoreCase))
            {
                context.Response.Headers.WWWAuthenticate = "Basic realm=\"BroadWorks\"";
            }
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = XmlContentType;
        await context.Response.WriteAsync(body, Encoding.UTF8, context.RequestAborted);
        log.Record(CallLog.Xsi, request.Method, url, authorization, null, status, null, body, 1, ElapsedMs(started));
    }

    /// <summary>The subscriber when the Basic credentials are theirs; unknown user and wrong password look the same.</summary>
    private static Subscriber? Authenticate(string header, string userId, SubscriberStore store)
    {
        if (!BasicCredentials.TryParse(header, out var credentialUser, out var password)
            || !string.Equals(credentialUser, userId, StringComparison.OrdinalIgnoreCase)
            || store.Find(userId) is not { } subscriber)
        {
            return null;
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(password), Encoding.UTF8.GetBytes(subscriber.Password))
            ? subscriber
            : null;
    }

    private static string Profile(Subscriber subscriber, SubscriberStore store)
    {
        var group = store.GroupOf(subscriber);
        var serviceProvider = store.ServiceProviderOf(group);
        var profile = new XElement(Xsi + "Profile",
            new XElement(Xsi + "details",
                Optional("userId", subscriber.UserId),
                Optional("firstName", subscriber.FirstName),
                Optional("lastName", subscriber.LastName),
                Optional("groupId", group.Id),
                new XElement(Xsi + "serviceProvider", new XAttribute("isEnterprise", serviceProvider.IsEnterprise ? "true" : "false"),
                    serviceProvider.Id),
                Optional("number", subscriber.Number),
                Optional("extension", subscriber.Extension)),
            subscriber.Mobile is null && subscriber.Email is null
                ? null
                : new XElement(Xsi + "additionalDetails", Optional("mobile", subscriber.Mobile), Optional("emailAddress", subscriber.Email)),
            Optional("countryCode", group.CountryCode),
            Optional("timeZone", subscriber.Timezone),
            Optional("timeZoneDisplayName", TimeZoneDisplayName(subscriber.Timezone)));
        return Declaration + profile;
    }

    private static string ErrorInfo(string summary) =>
        Declaration + new XElement(Xsi + "ErrorInfo", new XElement(Xsi + "summary", summary), new XElement(Xsi + "summaryEnglish", summary));

    private static XElement? Optional(string name, string? value) =>
        string.IsNullOrEmpty(value) ? null : new XElement(Xsi + name, value);

    /// <summary>"(GMT+01:00) Europe/Warsaw", as the AS shows a time zone; OCI-P shares it.</summary>
    public static string? TimeZoneDisplayName(string? timezone)
    {
        if (timezone is null || !TimeZoneInfo.TryFindSystemTimeZoneById(timezone, out var zone))
        {
            return null;
        }

        var offset = zone.BaseUtcOffset;
        return $"(GMT{(offset < TimeSpan.Zero ? '-' : '+')}{offset.Duration():hh\\:mm}) {timezone}";
    }

    private static long ElapsedMs(long started) => (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
}

internal static class BasicCredentials
{
    public static bool TryParse(string header, out string user, out string password)
    {
        (user, password) = (string.Empty, string.Empty);
        if (!AuthenticationHeaderValue.TryParse(header, out var value)
            || !string.Equals(value.Scheme, "Basic", StringComparison.OrdinalIgnoreCase)
            || value.Parameter is null)
        {
            return false;
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(value.Parameter));
        }
        catch (FormatException)
        {
            return false;
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return false;
        }

        (user, password) = (decoded[..colon], decoded[(colon + 1)..]);
        return true;
    }
}
