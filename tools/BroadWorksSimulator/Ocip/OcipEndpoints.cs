namespace BroadWorksSimulator.Ocip;

/// <summary>Where OCI-P listens once started: the bound ports (a configured 0 becomes a real one) and the TLS fingerprint.</summary>
internal sealed class OcipEndpoints
{
    public const string SoapPath = "/webservice/services/ProvisioningService";

    public string Host { get; set; } = "127.0.0.1";

    public int TcpPort { get; set; }

    /// <summary>Null when TLS is off.</summary>
    public int? TlsPort { get; set; }

    /// <summary>SHA-256 of the TLS certificate, "AB:CD:…"; null when TLS is off.</summary>
    public string? TlsFingerprint { get; set; }

    public string TcpAddress => $"tcp://{Host}:{TcpPort}";

    public string? TlsAddress => TlsPort is { } port ? $"tls://{Host}:{port}" : null;
}
