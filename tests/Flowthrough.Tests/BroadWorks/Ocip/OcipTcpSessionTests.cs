using System.Net;
using System.Net.Sockets;
using Flowthrough.BroadWorks.Ocip;

namespace Flowthrough.Tests.BroadWorks.Ocip;

/// <summary>The session over plain TCP against a fake AS on a real socket.</summary>
public sealed class OcipTcpSessionTests : IAsyncLifetime
{
    private readonly FakeOcipTcpServer server = new();
    private readonly RecordingLoggerProvider logs = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        await server.DisposeAsync();
        server.Faults.Should().BeEmpty();
    }

    private OcipSession Session(string password = "secret", TimeSpan? timeout = null, int userPageSize = 1000, int usersPerDocument = 10) =>
        OcipTestSessions.Create(OcipTestSessions.Endpoint(server.Port, OcipTransport.Tcp, password: password, timeout: timeout),
            logs, userPageSize, usersPerDocument);

    [Fact]
    public async Task Logs_in_with_the_signed_password_once_and_reads_the_directory()
    {
        await using var session = Session(userPageSize: 2);
        var ct = TestContext.Current.CancellationToken;

        var providers = await session.GetServiceProvidersAsync(ct);
        var groups = await session.GetGroupsAsync("acme-sp", ct);
        var users = await session.GetUsersAsync("acme-sp", "acme-sales", ct);

        providers.Should().Equal(
            new OcipServiceProvider("acme-sp", "Acme Telecom", false),
            new OcipServiceProvider("globex-ent", "Globex Enterprise", true),
            new OcipServiceProvider("bare-sp", "", false));
        groups.Should().Equal(new OcipGroup("acme-sp", "acme-sales", "Sales"), new OcipGroup("acme-sp", "acme-support", "Support"));
        users.Should().Equal(
            new OcipUserRow("alice@example.com", "Alice", "Smith", "+1-2025550101", "0101", "alice@example.com"),
            new OcipUserRow("bob@example.com", "Bob", "Jones", "+1-2025550102", "0102", null),
            new OcipUserRow("zoe@example.com", "Zoë", "Brontë", null, null, "zoe@example.com"));
        server.As.Received.Should().Equal(
            "AuthenticationRequest", "LoginRequest14sp4", "ServiceProviderGetListRequest", "GroupGetListInServiceProviderRequest",
            "UserGetListInGroupPagedSortedListRequest", "UserGetListInGroupPagedSortedListRequest");
        server.Connections.Should().Be(1);
        server.As.Logins.Should().Be(1);
        logs.ShouldHoldNoSecrets("secret");
    }

    [Fact]
    public async Task Reads_one_user_and_the_IMP_state()
    {
        await using var session = Session();
        var ct = TestContext.Current.CancellationToken;

        var user = await session.GetUserAsync("alice@example.com", ct);
        var imp = await session.GetImpStateAsync("alice@example.com", ct);

        user.Should().Be(new OcipUser("alice@example.com", "acme-sp", "acme-sales", "Alice", "Smith", "+1-2025550101", "0101",
            "+1-2025550199", "alice@example.com", "English", "America/New_York"));
        imp.Should().Be(new OcipImpState(true, true));
    }

    [Fact]
    public async Task Falls_back_to_the_unpaged_user_list_when_the_AS_has_no_paged_command()
    {
        server.As.Answer = c => (string?)c.Attribute(OcipDocument.Xsi + "type") == "UserGetListInGroupPagedSortedListRequest"
            ? FakeOcipAs.Error("[Error 4001] Unknown command UserGetListInGroupPagedSortedListRequest")
            : null;
        await using var session = Session();

        var users = await session.GetUsersAsync("acme-sp", "acme-sales", TestContext.Current.CancellationToken);

        users.Select(u => (u.UserId, u.FirstName, u.Extension)).Should().Equal(
            ("alice@example.com", "Alice", "0101"), ("bob@example.com", "Bob", "0102"), ("zoe@example.com", "Zoë", null));
        server.As.Received.Should().Contain("UserGetListInGroupRequest");
    }

    [Fact]
    public async Task Many_users_in_multi_command_documents_each_with_its_own_outcome()
    {
        server.As.Answer = command =>
        {
            var type = (string)command.Attribute(OcipDocument.Xsi + "type")!;
            var multi = OcipFixtures.Document("MultiCommandResponse.xml").Root!.Elements().Where(e => e.Name.LocalName == "command").ToList();
            return (string?)command.Element("userId") switch
            {
                "nobody@example.com" => OcipFixtures.Command("ErrorResponse-user-not-found.xml"),
                "bob@example.com" when type == "UserServiceGetAssignmentListRequest" => new(multi[0]),
                "bob@example.com" when type == "UserIntegratedIMPGetRequest" => new(multi[1]),
                "carol@example.com" when type == "UserIntegratedIMPGetRequest" =>
                    new("command", new System.Xml.Linq.XAttribute(OcipDocument.Xsi + "type", "UserIntegratedIMPGetResponse"),
                        new System.Xml.Linq.XElement("isActive", "false")),
                "dave@example.com" when type == "UserIntegratedIMPGetRequest" => FakeOcipAs.Error("[Error 5000] Internal error"),
                _ => null,
            };
        };
        await using var session = Session(usersPerDocument: 2);

        var result = await session.GetImpUsersAsync(
            ["alice@example.com", "bob@example.com", "nobody@example.com", "carol@example.com", "dave@example.com"],
            TestContext.Current.CancellationToken);

        result.Select(r => r.UserId).Should().Equal(
            "alice@example.com", "bob@example.com", "nobody@example.com", "carol@example.com", "dave@example.com");
        result[0].Imp.Should().Be(new OcipImpState(true, true));
        result[0].User!.EmailAddress.Should().Be("alice@example.com");
        result[0].Error.Should().BeNull();
        result[1].Should().Be(new OcipUserImp("bob@example.com", new OcipImpState(false, false), null, null));
        result[2].Error!.ErrorCode.Should().Be(4008);
        result[2].User.Should().BeNull();
        result[3].Should().Be(new OcipUserImp("carol@example.com", new OcipImpState(true, false), null, null));
        result[4].Imp.Should().Be(new OcipImpState(true, false), "assigned is known even though the IM&P read failed");
        result[4].Error!.Command.Should().Be("UserIntegratedIMPGetRequest");
        server.As.Received.Count(t => t == "UserGetRequest22").Should().Be(5, "three commands per user");
    }

    [Fact]
    public async Task Reconnects_and_logs_in_again_when_the_AS_drops_the_connection()
    {
        await using var session = Session();
        var ct = TestContext.Current.CancellationToken;
        await session.GetServiceProvidersAsync(ct);
        server.DropOn = "GroupGetListInServiceProviderRequest";

        var groups = await session.GetGroupsAsync("acme-sp", ct);

        groups.Should().HaveCount(2);
        server.Connections.Should().Be(2);
        server.As.Logins.Should().Be(2);
        logs.Messages.Should().Contain(m => m.Contains("reconnecting", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_connection_that_drops_again_after_the_reconnect_is_unavailable()
    {
        await using var session = Session();
        server.DropOn = "ServiceProviderGetListRequest";
        server.DropTimes = 2;

        var act = () => session.GetServiceProvidersAsync(TestContext.Current.CancellationToken);

        (await act.Should().ThrowAsync<OcipUnavailableException>()).Which.Message.Should().Contain("again after a reconnect");
        server.Connections.Should().Be(2);
    }

    [Fact]
    public async Task A_silent_AS_times_out_as_unavailable_and_the_next_call_starts_afresh()
    {
        await using var session = Session(timeout: TimeSpan.FromMilliseconds(300));
        var ct = TestContext.Current.CancellationToken;
        server.StallOn = "ServiceProviderGetListRequest";

        var act = () => session.GetServiceProvidersAsync(ct);

        (await act.Should().ThrowAsync<OcipUnavailableException>()).Which.Message
            .Should().Contain("did not answer ServiceProviderGetListRequest within 0.3 s");
        (await session.GetServiceProvidersAsync(ct)).Should().HaveCount(3);
        server.Connections.Should().Be(2);
    }

    [Fact]
    public async Task A_wrong_password_is_a_login_failure_that_does_not_show_the_password()
    {
        await using var session = Session(password: "wrong-Pa55");

        var act = () => session.GetServiceProvidersAsync(TestContext.Current.CancellationToken);

        var error = (await act.Should().ThrowAsync<OcipLoginException>()).Which;
        error.Message.Should().Contain(FakeOcipAs.UserId).And.Contain("Invalid password").And.NotContain("wrong-Pa55");
        error.ErrorCode.Should().Be(4962);
        server.As.Received.Should().NotContain("ServiceProviderGetListRequest");
        logs.Messages.Should().NotContain(m => m.Contains("wrong-Pa55", StringComparison.Ordinal));
    }

    [Fact]
    public async Task No_listener_is_unavailable()
    {
        var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        await using var session = OcipTestSessions.Create(OcipTestSessions.Endpoint(port, OcipTransport.Tcp), logs);

        var act = () => session.GetServiceProvidersAsync(TestContext.Current.CancellationToken);

        (await act.Should().ThrowAsync<OcipUnavailableException>()).Which.Message.Should().Contain("Cannot connect to tcp://localhost:");
    }

    [Fact]
    public async Task Concurrent_calls_share_one_connection_one_at_a_time()
    {
        await using var session = Session();
        var ct = TestContext.Current.CancellationToken;

        var all = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => session.GetServiceProvidersAsync(ct)));

        all.Should().AllSatisfy(p => p.Should().HaveCount(3));
        server.Connections.Should().Be(1);
        server.As.Logins.Should().Be(1);
    }

    [Fact]
    public async Task SendAsync_returns_one_response_per_command_with_errors_in_place()
    {
        await using var session = Session();

        var responses = await session.SendAsync(
            [OcipCommands.UserGet("alice@example.com"), new System.Xml.Linq.XElement("NoSuchRequest")], TestContext.Current.CancellationToken);

        responses.Select(r => (r.Command, r.Type, r.IsError)).Should().Equal(
            ("UserGetRequest22", "UserGetResponse22", false), ("NoSuchRequest", "ErrorResponse", true));
    }
}
