using System.ComponentModel.DataAnnotations;

namespace Flowthrough.Activation;

public sealed class PortalOptions
{
    public const string Section = "Portal";

    /// <summary>How long a verification code and its link stay valid.</summary>
    [Range(typeof(TimeSpan), "00:05:00", "7.00:00:00")]
    public TimeSpan CodeLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Wrong codes that invalidate a code.</summary>
    [Range(1, 20)]
    public int MaxCodeAttempts { get; set; } = 5;

    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan ResendCooldown { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Verification emails per hour, per subscriber and per address: the portal must not become a spam source.</summary>
    [Range(1, 100)]
    public int MaxSendsPerHour { get; set; } = 5;

    /// <summary>"Try again" clicks within 24 hours before the subscriber is sent to their administrator.</summary>
    [Range(1, 100)]
    public int MaxTryAgainPerDay { get; set; } = 3;

    /// <summary>Signed-in subscribers are signed out after this much inactivity.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Failed sign-ins from one address (across user IDs) before it is locked out.</summary>
    [Range(1, 10_000)]
    public int MaxFailuresPerAddress { get; set; } = 20;

    /// <summary>A sign-in waits this long for the AS's live OCI-P check at most, login and reconnect included.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan EntitlementTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Apps offered on the success screen.</summary>
    public List<DownloadLink> Downloads { get; set; } =
    [
        new() { Name = "Windows", Url = "https://www.webex.com/downloads.html" },
        new() { Name = "macOS", Url = "https://www.webex.com/downloads.html" },
        new() { Name = "iPhone / iPad", Url = "https://apps.apple.com/app/webex/id833967564" },
        new() { Name = "Android", Url = "https://play.google.com/store/apps/details?id=com.cisco.wx2.android" },
    ];
}

public sealed class DownloadLink
{
    [Required]
    public string Name { get; set; } = "";

    [Required]
    [Url]
    public string Url { get; set; } = "";
}
