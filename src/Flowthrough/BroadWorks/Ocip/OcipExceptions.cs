namespace Flowthrough.BroadWorks.Ocip;

/// <summary>Base of every failure of the OCI-P client.</summary>
public class OcipException : Exception
{
    public OcipException()
    {
    }

    public OcipException(string message)
        : base(message)
    {
    }

    public OcipException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The AS answered a command with an ErrorResponse.</summary>
public sealed class OcipErrorException : OcipException
{
    public OcipErrorException(string command, string summary, string? detail, int? errorCode)
        : base($"BroadWorks refused {command}: {summary}" + (string.IsNullOrEmpty(detail) ? "" : $" ({detail})"))
    {
        Command = command;
        Summary = summary;
        Detail = detail;
        ErrorCode = errorCode;
    }

    /// <summary>The request command that was refused, e.g. UserGetRequest22.</summary>
    public string Command { get; }

    public string Summary { get; }

    public string? Detail { get; }

    public int? ErrorCode { get; }
}

/// <summary>The AS refused the provisioning account's login (wrong user id or password, locked account).</summary>
public sealed class OcipLoginException : OcipException
{
    public OcipLoginException(string userId, string summary, int? errorCode)
        : base($"BroadWorks refused the OCI-P login of {userId}: {summary}")
    {
        UserId = userId;
        ErrorCode = errorCode;
    }

    public string UserId { get; }

    public int? ErrorCode { get; }
}

/// <summary>
/// The AS could not be used: no connection, TLS failure, no answer in time, a connection that dropped again
/// after one reconnect, or an HTTP error of the SOAP service.
/// </summary>
public sealed class OcipUnavailableException : OcipException
{
    public OcipUnavailableException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}

/// <summary>The AS answered something that is not a valid OCI-P document (or not the answer to what was asked).</summary>
public sealed class OcipProtocolException : OcipException
{
    public OcipProtocolException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}

/// <summary>An established connection broke; the session reconnects and logs in again once before giving up.</summary>
internal sealed class OcipConnectionLostException(string message, Exception? innerException = null)
    : Exception(message, innerException);
