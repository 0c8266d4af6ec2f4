using System.Globalization;
using Flowthrough.BroadWorks.Ocip;
using Flowthrough.Clusters;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.Extensions.Localization;

namespace Flowthrough.PartnerHub.Clusters;

/// <summary>
/// A cluster's OCI-P settings as the form posts them. The password is write-only: never filled back, and an empty
/// field keeps the saved one. An empty host (or Remove) clears every OCI-P setting, and with them the schedule.
/// </summary>
public sealed class OcipInput
{
    public const int HostLength = 253;
    public const int UserIdLength = 161;
    public const int PasswordLength = 1000;
    public const int FingerprintHexLength = 64;
    public const int MinInterval = 5;
    public const int MaxInterval = 1440;

    public string? Host { get; set; }

    // Numbers are posted as text so that "abc" gets our own message, in the admin's language.
    public string? Port { get; set; }
    public OcipTransport Transport { get; set; } = OcipTransport.Tcp;
    public string? UserId { get; set; }
    public string? Password { get; set; }
    public string? CertificateSha256 { get; set; }
    public string? SyncIntervalMinutes { get; set; } = BroadWorksCluster.DefaultSyncMinutes.ToString(CultureInfo.InvariantCulture);
    public bool Remove { get; set; }

    /// <summary>The port each transport listens on when the admin leaves the field empty.</summary>
    public static int DefaultPort(OcipTransport transport) => transport switch
    {
        OcipTransport.Tls => 2209,
        OcipTransport.Soap => 80,
        OcipTransport.SoapTls => 443,
        _ => 2208,
    };

    /// <summary>The saved settings; a port equal to its transport's default shows as empty, so changing the transport moves it.</summary>
    public static OcipInput From(BroadWorksCluster cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        return new OcipInput
        {
            Host = cluster.OcipHost,
            Port = cluster.OcipPort is { } port && port != DefaultPort(cluster.OcipTransport)
                ? port.ToString(CultureInfo.InvariantCulture)
                : null,
            Transport = cluster.OcipTransport,
            UserId = cluster.OcipUserId,
            CertificateSha256 = cluster.OcipCertificateSha256,
            SyncIntervalMinutes = cluster.SyncIntervalMinutes.ToString(CultureInfo.InvariantCulture),
        };
    }

    /// <summary>Nothing to keep: Remove was ticked or the host was cleared.</summary>
    public bool Clears => Remove || FormChecks.Clean(Host) is null;

    /// <summary>
    /// Upper-case hex without separators (colons, spaces), as browsers and openssl print it; null when empty.
    /// </summary>
    public static string? NormaliseFingerprint(string? value) =>
        FormChecks.Clean(value) is { } text
            ? string.Concat(text.Where(c => c is not (':' or ' ' or '-'))).ToUpperInvariant()
            : null;

    public void Validate(ModelStateDictionary modelState, string prefix, IStringLocalizer<ClusterSyncText> text, bool hasSavedPassword)
    {
        ArgumentNullException.ThrowIfNull(modelState);
        ArgumentNullException.ThrowIfNull(text);
        void Error(string field, string message) => modelState.AddModelError($"{prefix}.{field}", message);
        if (Clears)
        {
            return;
        }

        if (FormChecks.Clean(Host) is { } host && (host.Length > HostLength || Uri.CheckHostName(host) == UriHostNameType.Unknown))
        {
            Error(nameof(Host), text["Val_Host"]);
        }

        if (FormChecks.Clean(Port) is { } port && !FormChecks.InRange(port, 1, 65535, out _))
        {
            Error(nameof(Port), text["Val_Port"]);
        }

        if (!Enum.IsDefined(Transport))
        {
            Error(nameof(Transport), text["Val_Transport"]);
        }

        switch (FormChecks.Clean(UserId))
        {
            case null: Error(nameof(UserId), text["Val_UserIdRequired"]); break;
            case { Length: > UserIdLength }: Error(nameof(UserId), text["Val_TooLong", UserIdLength]); break;
        }

        if (Password is { Length: > PasswordLength })
        {
            Error(nameof(Password), text["Val_TooLong", PasswordLength]);
        }
        else if (string.IsNullOrEmpty(Password) && !hasSavedPassword)
        {
            Error(nameof(Password), text["Val_PasswordRequired"]);
        }

        if (NormaliseFingerprint(CertificateSha256) is { } fingerprint
            && (fingerprint.Length != FingerprintHexLength || !fingerprint.All(char.IsAsciiHexDigit)))
        {
            Error(nameof(CertificateSha256), text["Val_Fingerprint", FingerprintHexLength]);
        }

        if (!FormChecks.InRange(SyncIntervalMinutes, MinInterval, MaxInterval, out _))
        {
            Error(nameof(SyncIntervalMinutes), text["Val_Interval", MinInterval, MaxInterval]);
        }
    }

    /// <summary>
    /// Copies the validated settings: a typed password is protected, an empty one keeps what is saved. Clearing removes
    /// every OCI-P setting and the schedule; a cluster that gains OCI-P is due for its first sync at once.
    /// </summary>
    public void ApplyTo(BroadWorksCluster cluster, ClusterSecrets secrets, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(secrets);
        if (Clears)
        {
            cluster.OcipHost = null;
            cluster.OcipPort = null;
            cluster.OcipTransport = OcipTransport.Tcp;
            cluster.OcipUserId = null;
            cluster.OcipPasswordProtected = null;
            cluster.OcipCertificateSha256 = null;
            cluster.NextSyncAt = null;
            return;
        }

        var had = cluster.HasOcip;
        cluster.OcipHost = FormChecks.Clean(Host);
        cluster.OcipTransport = Transport;
        cluster.OcipPort = EffectivePort;
        cluster.OcipUserId = FormChecks.Clean(UserId);
        if (!string.IsNullOrEmpty(Password))
        {
            cluster.OcipPasswordProtected = secrets.Protect(Password);
        }

        cluster.OcipCertificateSha256 = NormaliseFingerprint(CertificateSha256);
        FormChecks.InRange(SyncIntervalMinutes, MinInterval, MaxInterval, out var interval);
        cluster.SyncIntervalMinutes = interval;
        if (!had && cluster.HasOcip)
        {
            cluster.NextSyncAt = now;
        }
    }

    public int EffectivePort => FormChecks.Clean(Port) is { } port && FormChecks.InRange(port, 1, 65535, out var value) ? value : DefaultPort(Transport);

    /// <summary>The settings as typed, for Test connection: the typed password, or the saved one when the field is empty.</summary>
    public OcipSettings? Draft(BroadWorksCluster saved, ClusterSecrets secrets)
    {
        ArgumentNullException.ThrowIfNull(saved);
        ArgumentNullException.ThrowIfNull(secrets);
        var password = string.IsNullOrEmpty(Password) ? secrets.Unprotect(saved.OcipPasswordProtected) : Password;
        return FormChecks.Clean(Host) is { } host && FormChecks.Clean(UserId) is { } userId && password is not null
            ? new OcipSettings(host, EffectivePort, Transport, userId, password, NormaliseFingerprint(CertificateSha256))
            : null;
    }
}

/// <summary>What Test connection needs to reach an AS; the password only lives for that request.</summary>
public sealed record OcipSettings(string Host, int Port, OcipTransport Transport, string UserId, string Password, string? CertificateSha256)
{
    // The generated ToString would print the password.
    public override string ToString() => $"OcipSettings {{ Host = {Host}, Port = {Port}, Transport = {Transport}, UserId = {UserId} }}";
}
