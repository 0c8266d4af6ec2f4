namespace BroadWorksSimulator.Ocip;

/// <summary>One client's login state: per TCP connection, or per sessionId on the SOAP transport.</summary>
internal sealed class OcipSession
{
    /// <summary>Serialises a SOAP session's documents, which may arrive on parallel HTTP requests.</summary>
    public SemaphoreSlim Turn { get; } = new(1, 1);

    /// <summary>The nonce of the last AuthenticationRequest and whom it was for; a signed login must use it.</summary>
    public (string UserId, string Nonce)? Challenge { get; set; }

    public string? LoggedInUser { get; set; }

    public bool IsLoggedIn => LoggedInUser is not null;

    public DateTimeOffset LastUsed { get; set; }

    public void LogOut()
    {
        Challenge = null;
        LoggedInUser = null;
    }
}

/// <summary>What a command handler may use: the AS's data, the session and whether the transport is TLS.</summary>
internal sealed record OcipContext(SubscriberStore Store, OcipSession Session, bool Secure, Faults Faults,
    Microsoft.Extensions.Options.IOptions<SimulatorOptions> Options);
