namespace Flowthrough.BroadWorks.Ocip;

/// <summary>How OCI-P reaches the AS: TCP 2208, TLS 2209, or SOAP on the XSP over HTTP or HTTPS.</summary>
public enum OcipTransport
{
    Tcp,
    Tls,
    Soap,
    SoapTls,
}
