namespace Flowthrough.BroadWorks.Ocip;

/// <summary>How the AS is reached: OCI-P over TCP (2208 plain, 2209 TLS) or the SOAP web service (http / https).</summary>
public enum OcipTransport
{
    Tcp,
    Tls,
    Soap,
    SoapTls,
}

/// <summary>
/// One AS's OCI-P address and provisioning account. <paramref name="TrustedCertificateSha256"/> pins a self-signed
/// server certificate (hex SHA-256, colons and spaces allowed); without it the OS validates the chain as usual.
/// </summary>
public sealed record OcipEndpoint(
    string Host,
    int Port,
    OcipTransport Transport,
    string UserId,
    string Password,
    string? TrustedCertificateSha256 = null,
    TimeSpan? RequestTimeout = null)
{
    public static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Which addresses may be dialled; the app sets its configured guard (ClusterSessions, Test connection).</summary>
    public Security.OutboundGuard Guard { get; init; } = Security.OutboundGuard.Unrestricted;

    public TimeSpan EffectiveRequestTimeout => RequestTimeout ?? DefaultRequestTimeout;

    public bool UsesTls => Transport is OcipTransport.Tls or OcipTransport.SoapTls;

    /// <summary>Where the endpoint points, for messages and logs.</summary>
    public string Address => Transport switch
    {
        OcipTransport.Soap => $"http://{Host}:{Port}{OcipSoapTransport.ServicePath}",
        OcipTransport.SoapTls => $"https://{Host}:{Port}{OcipSoapTransport.ServicePath}",
        OcipTransport.Tls => $"tls://{Host}:{Port}",
        _ => $"tcp://{Host}:{Port}",
    };

    // The generated record ToString would print the password; endpoints end up in logs and exception messages.
    public override string ToString() =>
        $"OcipEndpoint {{ Host = {Host}, Port = {Port}, Transport = {Transport}, UserId = {UserId}, " +
        $"TrustedCertificateSha256 = {TrustedCertificateSha256}, RequestTimeout = {RequestTimeout} }}";
}
