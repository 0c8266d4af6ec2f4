using System.Xml.Linq;
using Microsoft.Extensions.Options;
using static BroadWorksSimulator.Ocip.OcipRequestDocument;

namespace BroadWorksSimulator.Ocip;

/// <summary>
/// The OCI-P server core, shared by the TCP, TLS and SOAP transports: one response command per request command, in order,
/// in one document with the request's session ID. Fault switches apply here so that every transport meets them alike.
/// </summary>
internal sealed partial class OcipProcessor(
    SubscriberStore store,
    FaultSwitches faults,
    IOptions<SimulatorOptions> options,
    TimeProvider time,
    ILogger<OcipProcessor> logger)
{
    private int loginAttempts;

    /// <summary>Login commands answered so far, right or refused: what an AS counts towards locking the account.</summary>
    public int LoginAttempts => Volatile.Read(ref loginAttempts);

    /// <summary>The response document, or null when the fault OcipDropConnection says to answer nothing.</summary>
    public async Task<string?> AnswerAsync(Func<OcipRequestDocument> parse, OcipSession session, bool secure,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(session);
        var fault = faults.Current;
        if (fault.OcipLatencyMs > 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(fault.OcipLatencyMs), time, cancellationToken);
        }

        if (fault.OcipDropConnection)
        {
            LogDropped();
            return null;
        }

        OcipRequestDocument request;
        try
        {
            request = parse();
        }
        catch (OcipFormatException exception)
        {
            LogUnreadable(exception.Message);
            return OcipResponse.Document(null, [OcipResponse.Error(null, OcipError.Validation, exception.Message)]);
        }

        if (request.Commands.Count > MaxCommands)
        {
            return OcipResponse.Document(request.SessionId,
                [OcipResponse.Error(null, OcipError.Validation, $"A document holds at most {MaxCommands} commands.")]);
        }

        Interlocked.Add(ref loginAttempts, request.Commands.Count(c => TypeOf(c).StartsWith("Login", StringComparison.Ordinal)));
        session.LastUsed = time.GetUtcNow();
        var context = new OcipContext(store, session, secure, fault, options);
        return OcipResponse.Document(request.SessionId, request.Commands.Select(command => Answer(command, context)).ToList());
    }

    private static XElement Answer(XElement command, OcipContext context)
    {
        var type = TypeOf(command);
        if (OcipLoginCommands.Types.Contains(type))
        {
            return OcipLoginCommands.Handle(type, command, context);
        }

        if (!context.Session.IsLoggedIn)
        {
            return OcipResponse.Error(command, OcipError.NotLoggedIn);
        }

        if (NamesFailingGroup(command, context) is { } group)
        {
            return OcipResponse.Error(command, OcipError.SimulatedFailure, $"Group {group} fails (fault OcipErrorGroup).");
        }

        return type switch
        {
            "ServiceProviderGetListRequest" => OcipListCommands.ServiceProviders(command, context),
            "GroupGetListInServiceProviderRequest" => OcipListCommands.Groups(command, context),
            "UserGetListInGroupRequest" => OcipListCommands.Users(command, context),
            "UserGetListInGroupPagedSortedListRequest" => OcipListCommands.UsersPaged(command, context),
            "UserServiceGetAssignmentListRequest" => OcipUserCommands.Assignments(command, context),
            "UserIntegratedIMPGetRequest" or "UserIntegratedIMPGetRequest21sp1" =>
                OcipUserCommands.IntegratedImpGet(type, command, context),
            _ when OcipUserCommands.IsUserGet(type) => OcipUserCommands.UserGet(type, command, context),
            // The AS's own wording for a type it does not know.
            _ => OcipResponse.Error(command, OcipError.Validation, $"Invalid xsi:type qname: '{type}' in element BroadsoftDocument@C"),
        };
    }

    /// <summary>The faulty group when the command names it, or names a user of it.</summary>
    private static string? NamesFailingGroup(XElement command, OcipContext context)
    {
        if (context.Faults.OcipErrorGroup is not { } failing)
        {
            return null;
        }

        var groupId = Child(command, "groupId") ?? Child(command, "GroupId");
        var userGroup = Child(command, "userId") is { } userId ? context.Store.Find(userId)?.GroupId : null;
        return groupId == failing || userGroup == failing ? failing : null;
    }

    [LoggerMessage(LogLevel.Information, "OCI-P document dropped without an answer (fault OcipDropConnection)")]
    private partial void LogDropped();

    [LoggerMessage(LogLevel.Information, "OCI-P document unreadable: {Reason}")]
    private partial void LogUnreadable(string reason);
}
