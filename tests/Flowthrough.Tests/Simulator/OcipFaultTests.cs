using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;

namespace Flowthrough.Tests.Simulator;

/// <summary>The OCI-P fault switches, set through the same JSON API as the others.</summary>
public sealed class OcipFaultTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Reject_login_answers_the_right_password_as_a_wrong_one()
    {
        await using var host = await SimulatorHost.StartAsync();
        await SetAsync(host, new { ocipRejectLogin = true });
        await using var connection = await OcipConnection.OpenAsync(host.Ocip.TcpPort);

        var login = await connection.LoginAsync();
        await SetAsync(host, new { ocipRejectLogin = false });
        var retry = await connection.LoginAsync();

        OcipWire.Type(login).Should().Be("ErrorResponse");
        OcipWire.Type(retry).Should().Be("LoginResponse14sp4");
    }

    [Fact]
    public async Task Latency_delays_each_document()
    {
        await using var host = await SimulatorHost.StartAsync();
        await SetAsync(host, new { ocipLatencyMs = 300 });
        await using var connection = await OcipConnection.OpenAsync(host.Ocip.TcpPort);

        var watch = Stopwatch.StartNew();
        var answer = OcipWire.Single(await connection.ExchangeAsync("authentication-request.php.xml"));

        // Timers fire up to a tick (~15 ms) early against the stopwatch: 298 ms was seen for 300 ms on a loaded machine.
        watch.ElapsedMilliseconds.Should().BeGreaterThanOrEqualTo(250);
        OcipWire.Type(answer).Should().Be("AuthenticationResponse");
    }

    [Fact]
    public async Task Drop_connection_closes_tcp_and_aborts_soap_without_an_answer()
    {
        await using var host = await SimulatorHost.StartAsync();
        await using var connection = await OcipConnection.OpenAsync(host.Ocip.TcpPort);
        OcipWire.Single(await connection.ExchangeAsync("authentication-request.php.xml"));
        await SetAsync(host, new { ocipDropConnection = true });

        await connection.SendAsync(OcipWire.Encode(OcipWire.Fixture("authentication-request.php.xml", connection.Session)));
        var dropped = await connection.ReceiveAsync();
        var soap = async () => await OcipTransportTests.SoapAsync(host, OcipWire.Fixture("authentication-request.php.xml", "s"));

        dropped.Should().BeNull();
        await soap.Should().ThrowAsync<HttpRequestException>();
    }

    [Fact]
    public async Task Error_group_fails_commands_naming_the_group_or_its_users_only()
    {
        await using var host = await SimulatorHost.StartAsync();
        await SetAsync(host, new { ocipErrorGroup = "warszawa-mokotow" });
        await using var connection = await OcipConnection.OpenAsync(host.Ocip.TcpPort);
        await connection.LoginAsync();
        var inGroup = host.Store.All().First(s => s.GroupId == "warszawa-mokotow").UserId;
        var elsewhere = host.Store.All().First(s => s.GroupId == "warszawa-wola").UserId;

        var list = OcipWire.Single(await connection.ExchangeAsync("user-get-list-in-group.csharp-xmlserializer.xml",
            ("SP", "sp-warszawa"), ("GROUP", "warszawa-mokotow")));
        var otherList = OcipWire.Single(await connection.ExchangeAsync("user-get-list-in-group.csharp-xmlserializer.xml",
            ("SP", "sp-warszawa"), ("GROUP", "warszawa-wola")));
        var user = OcipWire.Single(await connection.ExchangeAsync("user-get-request-22.php.xml", ("USER", inGroup)));
        var otherUser = OcipWire.Single(await connection.ExchangeAsync("user-get-request-22.php.xml", ("USER", elsewhere)));
        await SetAsync(host, new { ocipErrorGroup = "" });
        var cleared = OcipWire.Single(await connection.ExchangeAsync("user-get-request-22.php.xml", ("USER", inGroup)));

        (OcipWire.Type(list), OcipWire.Type(user)).Should().Be(("ErrorResponse", "ErrorResponse"));
        (OcipWire.Type(otherList), OcipWire.Type(otherUser)).Should().Be(("UserGetListInGroupResponse", "UserGetResponse22"));
        OcipWire.Type(cleared).Should().Be("UserGetResponse22");
    }

    [Fact]
    public async Task The_fault_api_refuses_an_unknown_group_and_a_negative_latency()
    {
        await using var host = await SimulatorHost.StartAsync();

        using var unknownGroup = await host.Client.PutAsJsonAsync("/api/faults", new { ocipErrorGroup = "no-such-group" }, Ct);
        using var negative = await host.Client.PutAsJsonAsync("/api/faults", new { ocipLatencyMs = -1 }, Ct);

        unknownGroup.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        negative.StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    private static async Task SetAsync(SimulatorHost host, object change) =>
        (await host.Client.PutAsJsonAsync("/api/faults", change, Ct)).EnsureSuccessStatusCode();
}
