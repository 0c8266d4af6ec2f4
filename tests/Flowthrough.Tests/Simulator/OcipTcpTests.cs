using System.Net.Http.Json;

namespace Flowthrough.Tests.Simulator;

/// <summary>Request documents as public OCI-P clients write them, sent as raw bytes over TCP; answers read by element names.</summary>
public sealed class OcipTcpTests
{
    private const string Mokotow = "warszawa-mokotow";
    private const string AssignedButOff = "malgorzata.kowalczyk@warszawa.sp.example";
    private const string NotAssigned = "lukasz.wojcik@warszawa.sp.example";

    [Theory]
    [InlineData("php")]
    [InlineData("python-lxml")]
    public async Task The_signed_login_works_as_each_client_writes_it(string style)
    {
        await using var host = await SimulatorHost.StartAsync();
        await using var connection = await OcipConnection.OpenAsync(host.Ocip.TcpPort);

        var challengeDocument = await connection.ExchangeAsync($"authentication-request.{style}.xml");
        var challenge = OcipWire.Single(challengeDocument);
        OcipWire.Type(challenge).Should().Be("AuthenticationResponse");
        OcipWire.SessionId(challengeDocument).Should().Be(connection.Session);
        OcipWire.Text(challenge, "userId").Should().Be(OcipWire.Admin);
        OcipWire.Text(challenge, "passwordAlgorithm").Should().Be("MD5");
        OcipWire.Text(challenge, "nonce").Should().MatchRegex("^[0-9]+$");

        var login = OcipWire.Single(await connection.ExchangeAsync($"login-request-14sp4.{style}.xml",
            ("SIGNED_PASSWORD", OcipWire.SignedPassword(OcipWire.Text(challenge, "nonce")!, OcipWire.AdminPassword))));

        OcipWire.Type(login).Should().Be("LoginResponse14sp4");
        OcipWire.Text(login, "loginType").Should().Be("System");
        login.Elements().Select(e => e.Name.LocalName).Should().StartWith(["loginType", "locale", "encoding"]);
    }

    [Fact]
    public async Task A_wrong_password_or_a_reused_nonce_gets_an_error_response()
    {
        await using var host = await SimulatorHost.StartAsync();
        await using var connection = await OcipConnection.OpenAsync(host.Ocip.TcpPort);

        var wrong = await connection.LoginAsync(password: "not-the-password");
        var afterwards = OcipWire.Single(await connection.ExchangeAsync("service-provider-get-list.php.xml"));

        OcipWire.Type(wrong).Should().Be("ErrorResponse");
        wrong.Attribute(OcipWire.Xsi + "type")!.Value.Should().Be("c:ErrorResponse");
        wrong.Attribute("type")!.Value.Should().Be("Error");
        OcipWire.Text(wrong, "errorCode").Should().NotBeNullOrEmpty();
        OcipWire.Text(wrong, "summary").Should().StartWith("[Error ");
        OcipWire.Text(wrong, "summaryEnglish").Should().Be(OcipWire.Text(wrong, "summary"));
        OcipWire.Type(afterwards).Should().Be("ErrorResponse", "a failed login leaves the session logged out");
    }

    [Fact]
    public async Task Commands_before_login_and_unknown_commands_get_error_responses()
    {
        await using var host = await SimulatorHost.StartAsync();
        await using var connection = await OcipConnection.OpenAsync(host.Ocip.TcpPort);

        var early = OcipWire.Single(await connection.ExchangeAsync("service-provider-get-list.php.xml"));
        await connection.LoginAsync();
        var unknown = OcipWire.Single(await connection.ExchangeDocumentAsync(
            OcipWire.Fixture("service-provider-get-list.php.xml", connection.Session)
                .Replace("ServiceProviderGetListRequest", "SystemSoftwareVersionGetRequest", StringComparison.Ordinal)));

        OcipWire.Type(early).Should().Be("ErrorResponse");
        OcipWire.Text(early, "summaryEnglish").Should().Contain("logged in");
        OcipWire.Type(unknown).Should().Be("ErrorResponse");
        OcipWire.Text(unknown, "detail").Should().Contain("SystemSoftwareVersionGetRequest");
    }

    [Fact]
    public async Task Service_providers_groups_and_a_groups_users_come_as_tables()
    {
        await using var host = await SimulatorHost.StartAsync();
        await using var connection = await OcipConnection.OpenAsync(host.Ocip.TcpPort);
        await connection.LoginAsync();

        var providers = OcipWire.Single(await connection.ExchangeAsync("service-provider-get-list.php.xml"));
        var groups = OcipWire.Single(await connection.ExchangeAsync("group-get-list-in-service-provider.python-lxml.xml",
            ("SP", "sp-warszawa")));
        var users = OcipWire.Single(await connection.ExchangeAsync("user-get-list-in-group.csharp-xmlserializer.xml",
            ("SP", "sp-warszawa"), ("GROUP", Mokotow)));

        OcipWire.Type(providers).Should().Be("ServiceProviderGetListResponse");
        OcipWire.Table(providers, "serviceProviderTable").Select(r => (r["Service Provider Id"], r["Is Enterprise"]))
            .Should().Equal(("sp-warszawa", "false"), ("ent-london", "true"));
        OcipWire.Type(groups).Should().Be("GroupGetListInServiceProviderResponse");
        OcipWire.Table(groups, "groupTable").Select(r => r["Group Id"]).Should().Equal(Mokotow, "warszawa-wola");
        OcipWire.Type(users).Should().Be("UserGetListInGroupResponse");
        var rows = OcipWire.Table(users, "userTable");
        rows.Should().HaveCount(host.Store.All().Count(s => s.GroupId == Mokotow));
        rows.Select(r => r["User Id"]).Should().BeInAscendingOrder(StringComparer.OrdinalIgnoreCase);
        var lukasz = rows.Single(r => r["User Id"] == NotAssigned);
        (lukasz["First Name"], lukasz["Last Name"], lukasz["Phone Number"], lukasz["Extension"], lukasz["Country Code"])
            .Should().Be(("Łukasz", "Wójcik", "+48225550101", "101", "48"));
        lukasz.Keys.Should().Contain(["Department", "Phone Number Activated", "Email Address", "Hiragana Last Name",
            "Hiragana First Name", "In Trunk Group", "National Prefix"]);
    }

    [Fact]
    public async Task The_paged_user_list_walks_a_group_page_by_page()
    {
        await using var host = await SimulatorHost.StartAsync();
        await using var connection = await OcipConnection.OpenAsync(host.Ocip.TcpPort);
        await connection.LoginAsync();
        var all = host.Store.All().Where(s => s.GroupId == Mokotow).Select(s => s.UserId)
            .Order(StringComparer.OrdinalIgnoreCase).ToList();

        var seen = new List<string>();
        for (var start = 1; start <= all.Count; start += 4)
        {
            var page = OcipWire.Single(await connection.ExchangeAsync("user-get-list-in-group-paged.php.xml",
                ("SP", "sp-warszawa"), ("GROUP", Mokotow), ("START", start.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ("SIZE", "4")));
            OcipWire.Type(page).Should().Be("UserGetListInGroupPagedSortedListResponse");
            seen.AddRange(OcipWire.Table(page, "userTable").Select(r => r["User Id"]));
        }

        seen.Should().Equal(all);
    }

    [Fact]
    public async Task Integrated_imp_shows_in_the_assignment_list_and_its_get_follows_assignment()
    {
        await using var host = await SimulatorHost.StartAsync();
        await using var connection = await OcipConnection.OpenAsync(host.Ocip.TcpPort);
        await connection.LoginAsync();

        var assignedOff = await AssignedAsync(connection, AssignedButOff);
        var notAssigned = await AssignedAsync(connection, NotAssigned);
        var offImp = OcipWire.Single(await connection.ExchangeAsync("user-integrated-imp-get.python-etree.xml", ("USER", AssignedButOff)));
        var missingImp = OcipWire.Single(await connection.ExchangeAsync("user-integrated-imp-get.python-etree.xml", ("USER", NotAssigned)));
        (await host.Client.PostAsJsonAsync($"/api/subscribers/{NotAssigned}/imp", new { active = true },
            TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
        var switchedOn = OcipWire.Single(await connection.ExchangeAsync("user-integrated-imp-get.python-etree.xml", ("USER", NotAssigned)));

        assignedOff.Should().Be("true");
        notAssigned.Should().Be("false");
        OcipWire.Type(offImp).Should().Be("UserIntegratedIMPGetResponse");
        OcipWire.Text(offImp, "isActive").Should().Be("false");
        OcipWire.Type(missingImp).Should().Be("ErrorResponse");
        OcipWire.Text(switchedOn, "isActive").Should().Be("true");
        (await AssignedAsync(connection, NotAssigned)).Should().Be("true");
    }

    [Theory]
    [InlineData("UserGetRequest22", "UserGetResponse22")]
    [InlineData("UserGetRequest22V5", "UserGetResponse22V5")]
    [InlineData("UserGetRequest23V2", "UserGetResponse23V2")]
    public async Task A_users_profile_comes_in_the_version_asked_for(string request, string response)
    {
        await using var host = await SimulatorHost.StartAsync();
        await using var connection = await OcipConnection.OpenAsync(host.Ocip.TcpPort);
        await connection.LoginAsync();
        var zofia = host.Store.All()[1];

        var profile = OcipWire.Single(await connection.ExchangeDocumentAsync(OcipWire.Fixture("user-get-request-22.php.xml", connection.Session,
            ("USER", zofia.UserId)).Replace("UserGetRequest22", request, StringComparison.Ordinal)));

        OcipWire.Type(profile).Should().Be(response);
        (OcipWire.Text(profile, "serviceProviderId"), OcipWire.Text(profile, "groupId"), OcipWire.Text(profile, "userId"))
            .Should().Be(("sp-warszawa", "warszawa-wola", zofia.UserId));
        (OcipWire.Text(profile, "firstName"), OcipWire.Text(profile, "lastName")).Should().Be(("Zofia", "Żak"));
        (OcipWire.Text(profile, "phoneNumber"), OcipWire.Text(profile, "extension"), OcipWire.Text(profile, "mobilePhoneNumber"))
            .Should().Be((zofia.Number, zofia.Extension, zofia.Mobile));
        OcipWire.Text(profile, "emailAddress").Should().Be(zofia.Email);
        (OcipWire.Text(profile, "language"), OcipWire.Text(profile, "timeZone")).Should().Be(("Polish", "Europe/Warsaw"));
        OcipWire.Text(profile, "countryCode").Should().Be("48");
        var order = profile.Elements().Select(e => e.Name.LocalName).ToList();
        order.IndexOf("firstName").Should().BeLessThan(order.IndexOf("phoneNumber"));
        order.IndexOf("timeZone").Should().BeLessThan(order.IndexOf("emailAddress"));
    }

    [Fact]
    public async Task Several_commands_in_one_document_are_answered_in_order_each_on_its_own()
    {
        await using var host = await SimulatorHost.StartAsync();
        await using var connection = await OcipConnection.OpenAsync(host.Ocip.TcpPort);
        await connection.LoginAsync();

        var answer = await connection.ExchangeAsync("user-get-and-imp-in-one-document.php.xml", ("USER", NotAssigned));

        OcipWire.SessionId(answer).Should().Be(connection.Session);
        OcipWire.Commands(answer).Select(OcipWire.Type).Should()
            .Equal("UserGetResponse22", "ErrorResponse", "UserServiceGetAssignmentListResponse");
    }

    [Fact]
    public async Task Documents_sent_back_to_back_or_in_pieces_are_each_answered()
    {
        await using var host = await SimulatorHost.StartAsync();
        await using var connection = await OcipConnection.OpenAsync(host.Ocip.TcpPort);
        var first = OcipWire.Encode(OcipWire.Fixture("authentication-request.php.xml", connection.Session));
        var second = OcipWire.Encode(OcipWire.Fixture("service-provider-get-list.php.xml", connection.Session));

        await connection.SendAsync([.. first, .. second]);
        var answers = new[] { await connection.ReceiveAsync(), await connection.ReceiveAsync() };
        await connection.SendAsync(first[..40]);
        await Task.Delay(50, TestContext.Current.CancellationToken);
        await connection.SendAsync(first[40..]);
        var split = await connection.ReceiveAsync();

        answers.Select(a => OcipWire.Type(OcipWire.Single(a!))).Should().Equal("AuthenticationResponse", "ErrorResponse");
        OcipWire.Type(OcipWire.Single(split!)).Should().Be("AuthenticationResponse");
    }

    [Fact]
    public async Task A_document_with_a_dtd_is_refused_without_expanding_it()
    {
        await using var host = await SimulatorHost.StartAsync();
        await using var connection = await OcipConnection.OpenAsync(host.Ocip.TcpPort);
        const string Document = """
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE BroadsoftDocument [<!ENTITY x "xxxxxxxxxxxxxxxx">]>
            <BroadsoftDocument protocol="OCI" xmlns="C" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><sessionId xmlns="">s</sessionId><command xmlns="" xsi:type="AuthenticationRequest"><userId>&x;</userId></command></BroadsoftDocument>
            """;

        var answer = OcipWire.Single(await connection.ExchangeDocumentAsync(Document));

        OcipWire.Type(answer).Should().Be("ErrorResponse");
        answer.ToString().Should().NotContain("xxxxxxxxxxxxxxxx");
    }

    private static async Task<string> AssignedAsync(OcipConnection connection, string userId)
    {
        var list = OcipWire.Single(await connection.ExchangeAsync("user-service-get-assignment-list.java-strings.xml", ("USER", userId)));
        OcipWire.Type(list).Should().Be("UserServiceGetAssignmentListResponse");
        OcipWire.Table(list, "servicePacksAssignmentTable").Should().BeEmpty();
        return OcipWire.Table(list, "userServicesAssignmentTable").Single(r => r["Service Name"] == "Integrated IMP")["Assigned"];
    }
}
