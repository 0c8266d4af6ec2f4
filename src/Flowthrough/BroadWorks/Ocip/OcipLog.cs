using Microsoft.Extensions.Logging;

namespace Flowthrough.BroadWorks.Ocip;

/// <summary>Everything the OCI-P client logs: addresses, command names, durations. Never documents or credentials.</summary>
internal static partial class OcipLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "OCI-P logged in to {Address} as {UserId} in {ElapsedMs} ms")]
    public static partial void LoggedIn(ILogger logger, string address, string userId, long elapsedMs);

    [LoggerMessage(Level = LogLevel.Debug, Message = "OCI-P {Commands} answered in {ElapsedMs} ms")]
    public static partial void Answered(ILogger logger, string commands, long elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "OCI-P connection to {Address} lost ({Reason}); reconnecting")]
    public static partial void Reconnecting(ILogger logger, string address, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "OCI-P {Address} refused the paged user list; using UserGetListInGroupRequest")]
    public static partial void UnpagedUserList(ILogger logger, string address);

    [LoggerMessage(Level = LogLevel.Debug, Message = "OCI-P logout from {Address} skipped: {Reason}")]
    public static partial void LogoutSkipped(ILogger logger, string address, string reason);
}
