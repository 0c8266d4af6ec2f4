using Flowthrough.BroadWorks.Ocip;
using Microsoft.Extensions.Logging;

namespace Flowthrough.Tests.BroadWorks.Ocip;

internal static class OcipTestSessions
{
    public static OcipEndpoint Endpoint(int port, OcipTransport transport, string? fingerprint = null, string password = "secret",
        TimeSpan? timeout = null) =>
        new("localhost", port, transport, FakeOcipAs.UserId, password, fingerprint, timeout ?? TimeSpan.FromSeconds(5));

    public static OcipSession Create(OcipEndpoint endpoint, RecordingLoggerProvider logs, int userPageSize = 1000, int usersPerDocument = 10)
    {
        var factory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        return new OcipSession(endpoint, factory.CreateLogger<OcipSession>())
        {
            UserPageSize = userPageSize,
            UsersPerDocument = usersPerDocument,
        };
    }

    /// <summary>Nothing secret in any log line: not the password, the nonce, nor the signed password.</summary>
    public static void ShouldHoldNoSecrets(this RecordingLoggerProvider logs, string password)
    {
        logs.Messages.Should().NotBeEmpty();
        foreach (var message in logs.Messages)
        {
            message.Should().NotContain(password).And.NotContain(FakeOcipAs.Nonce)
                .And.NotContain(FakeOcipAs.Sign(FakeOcipAs.Nonce, password));
        }
    }
}
