using Flowthrough.BroadWorks.Ocip;

namespace Flowthrough.Tests.BroadWorks.Ocip;

/// <summary>The client's reading of AS answer documents, one hand-written fixture each.</summary>
public sealed class OcipFixtureTests
{
    [Fact]
    public void AuthenticationResponse_carries_the_nonce_and_algorithm()
    {
        var response = OcipFixtures.Responses("AuthenticationResponse.xml", "AuthenticationRequest").Single();

        response.Type.Should().Be("AuthenticationResponse");
        response.IsError.Should().BeFalse();
        response.Value("userId").Should().Be("ocip-admin@example.com");
        response.Value("nonce").Should().Be("1493647455426");
        response.Value("passwordAlgorithm").Should().Be("MD5");
    }

    [Theory]
    [InlineData("LoginResponse14sp4.xml", "LoginRequest14sp4", "LoginResponse14sp4")]
    [InlineData("LoginResponse22V5.xml", "LoginRequest22V5", "LoginResponse22V5")]
    public void Login_responses_are_successes(string fixture, string request, string type)
    {
        var response = OcipFixtures.Responses(fixture, request).Single();

        response.Type.Should().Be(type);
        response.Value("loginType").Should().Be("Provisioning");
        response.Invoking(r => r.EnsureSuccess()).Should().NotThrow();
    }

    [Fact]
    public void A_prefixed_ErrorResponse_is_an_error_naming_the_request_and_its_code_from_the_summary()
    {
        var response = OcipFixtures.Responses("ErrorResponse-wrong-password.xml", "LoginRequest14sp4").Single();

        response.Type.Should().Be("ErrorResponse", "the c: prefix of xsi:type is not part of the type");
        response.IsError.Should().BeTrue();
        var error = response.Invoking(r => r.EnsureSuccess()).Should().Throw<OcipErrorException>().Which;
        error.Command.Should().Be("LoginRequest14sp4");
        error.Summary.Should().Be("[Error 4962] Invalid password");
        error.ErrorCode.Should().Be(4962);
        error.Detail.Should().BeNull();
    }

    [Fact]
    public void An_ErrorResponse_with_the_errorCode_element_and_detail()
    {
        var error = OcipFixtures.Responses("ErrorResponse-user-not-found.xml", "UserGetRequest22").Single().ToException();

        error.ErrorCode.Should().Be(4008);
        error.Detail.Should().Be("userId nobody@example.com");
        error.Message.Should().Contain("UserGetRequest22").And.Contain("User not found");
    }

    [Fact]
    public void ServiceProviderGetListResponse_table_by_heading()
    {
        var table = OcipFixtures.Responses("ServiceProviderGetListResponse.xml", "ServiceProviderGetListRequest").Single()
            .Table("serviceProviderTable");

        table.Headings.Should().Equal("Service Provider Id", "Service Provider Name", "Is Enterprise");
        table.Rows.Select(r => r["Service Provider Id"]).Should().Equal("acme-sp", "globex-ent", "bare-sp");
        table.Rows[1].Flag("Is Enterprise").Should().BeTrue();
        table.Rows[2]["Service Provider Name"].Should().BeEmpty("an empty <col/> is an empty cell");
        table.Rows[2].Text("Service Provider Name").Should().BeNull();
        table.Rows[0]["No Such Column"].Should().BeNull();
    }

    [Fact]
    public void GroupGetListInServiceProviderResponse_table()
    {
        var table = OcipFixtures.Responses("GroupGetListInServiceProviderResponse.xml", "GroupGetListInServiceProviderRequest")
            .Single().Table("groupTable");

        table.Rows.Select(r => (r["Group Id"], r["Group Name"], r["User Limit"]))
            .Should().Equal(("acme-sales", "Sales", "100"), ("acme-support", "Support", "25"));
    }

    [Fact]
    public void Paged_user_list_in_ISO_8859_1_keeps_accented_names()
    {
        var table = OcipFixtures.Responses("UserGetListInGroupPagedSortedListResponse.xml", "UserGetListInGroupPagedSortedListRequest")
            .Single().Table("userTable");

        table.Headings.Should().HaveCount(16);
        var zoe = table.Rows.Single(r => r["User Id"] == "zoe@example.com");
        zoe["First Name"].Should().Be("Zoë");
        zoe["Last Name"].Should().Be("Brontë");
        zoe.Text("Phone Number").Should().BeNull();
        table.Rows[0]["Extension"].Should().Be("0101");
    }

    [Fact]
    public void Columns_are_found_by_heading_whatever_their_order_and_extras()
    {
        var table = OcipFixtures.Responses("UserGetListInGroupResponse-reordered.xml", "UserGetListInGroupRequest")
            .Single().Table("userTable");

        table.Headings[0].Should().Be("Extension", "the fixture puts the columns out of the documented order");
        var alice = table.Rows[0];
        alice["User Id"].Should().Be("alice@example.com");
        alice["First Name"].Should().Be("Alice");
        alice["Last Name"].Should().Be("Smith");
        alice["Email Address"].Should().Be("alice@example.com");
        alice["Extension"].Should().Be("0101");
        alice["Future Column"].Should().Be("x");
        alice["Department"].Should().BeNull("the column is absent from this table");
    }

    [Fact]
    public void UserServiceGetAssignmentListResponse_has_both_tables()
    {
        var response = OcipFixtures.Responses("UserServiceGetAssignmentListResponse.xml", "UserServiceGetAssignmentListRequest").Single();

        response.Table("servicePacksAssignmentTable").Rows.Single()["Service Pack Name"].Should().Be("UC-One Pack");
        var imp = response.Table("userServicesAssignmentTable").Rows.Single(r => r["Service Name"] == "Integrated IMP");
        imp.Flag("Assigned").Should().BeTrue();
    }

    [Fact]
    public void UserIntegratedIMPGetResponse_is_active()
    {
        OcipFixtures.Responses("UserIntegratedIMPGetResponse.xml", "UserIntegratedIMPGetRequest").Single()
            .Value("isActive").Should().Be("true");
    }

    [Fact]
    public void UserGetResponse22_fields()
    {
        var response = OcipFixtures.Responses("UserGetResponse22.xml", "UserGetRequest22").Single();

        response.Value("serviceProviderId").Should().Be("acme-sp");
        response.Value("groupId").Should().Be("acme-sales");
        response.Value("firstName").Should().Be("Alice");
        response.Value("mobilePhoneNumber").Should().Be("+1-2025550199");
        response.Value("emailAddress").Should().Be("alice@example.com");
        response.Value("timeZone").Should().Be("America/New_York");
        response.Value("language").Should().Be("English");
    }

    [Fact]
    public void A_multi_command_answer_pairs_each_response_with_its_request_and_keeps_errors_apart()
    {
        var responses = OcipFixtures.Responses("MultiCommandResponse.xml", "UserServiceGetAssignmentListRequest", "UserIntegratedIMPGetRequest");

        responses.Should().HaveCount(2);
        responses[0].IsError.Should().BeFalse();
        responses[0].Table("userServicesAssignmentTable").Rows.Single().Flag("Assigned").Should().BeFalse();
        responses[1].IsError.Should().BeTrue();
        responses[1].Invoking(r => r.EnsureSuccess()).Should().Throw<OcipErrorException>()
            .Which.Command.Should().Be("UserIntegratedIMPGetRequest");
    }

    [Fact]
    public void One_ErrorResponse_to_a_whole_document_is_the_first_commands_error()
    {
        var act = () => OcipFixtures.Responses("ErrorResponse-user-not-found.xml", "UserGetRequest22", "UserIntegratedIMPGetRequest");

        act.Should().Throw<OcipErrorException>().Which.Command.Should().Be("UserGetRequest22");
    }

    [Fact]
    public void An_answer_with_the_wrong_number_of_commands_is_a_protocol_error()
    {
        var act = () => OcipFixtures.Responses("UserGetResponse22.xml", "UserGetRequest22", "UserIntegratedIMPGetRequest");

        act.Should().Throw<OcipProtocolException>();
    }

    [Fact]
    public void Documents_with_a_DTD_are_refused()
    {
        var hostile = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>" +
                      "<BroadsoftDocument protocol=\"OCI\" xmlns=\"C\"><sessionId xmlns=\"\">&e;</sessionId></BroadsoftDocument>";

        var act = () => OcipDocument.Parse(System.Text.Encoding.UTF8.GetBytes(hostile));

        act.Should().Throw<OcipProtocolException>();
    }
}
