using System.Xml.Linq;
using Flowthrough.BroadWorks.Ocip;

namespace Flowthrough.Tests.BroadWorks.Ocip;

/// <summary>The request documents the client builds: envelope, element names and order as in the public schema.</summary>
public sealed class OcipRequestTests
{
    private static string[] Children(XElement command) => [.. command.Elements().Select(e => e.Name.LocalName)];

    [Fact]
    public void The_envelope_is_exactly_the_documented_one()
    {
        var text = OcipDocument.ToText(OcipDocument.Build("S1", [OcipLogin.AuthenticationRequest("admin@example.com")]));

        text.Should().Be(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>" +
            "<BroadsoftDocument protocol=\"OCI\" xmlns=\"C\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">" +
            "<sessionId xmlns=\"\">S1</sessionId>" +
            "<command xsi:type=\"AuthenticationRequest\" xmlns=\"\"><userId>admin@example.com</userId></command>" +
            "</BroadsoftDocument>");
    }

    [Fact]
    public void Several_commands_go_in_one_document_in_order()
    {
        var document = OcipDocument.Build("S", [OcipCommands.UserServiceGetAssignmentList("a"), OcipCommands.UserIntegratedImpGet("a"), OcipCommands.UserGet("a")]);

        document.Root!.Elements("command").Select(OcipDocument.LocalType)
            .Should().Equal("UserServiceGetAssignmentListRequest", "UserIntegratedIMPGetRequest", "UserGetRequest22");
        document.Root.Elements("command").Should().AllSatisfy(c => c.Element("userId")!.Value.Should().Be("a"));
    }

    [Fact]
    public void Signed_password_is_md5_of_nonce_colon_sha1_of_password()
    {
        // printf 'secret' | sha1sum                                        -> e5e9fa1ba31ecd1ae84f75caaa474f3a663f05f4
        // printf '1493647455426:e5e9fa1ba31ecd1ae84f75caaa474f3a663f05f4' | md5sum -> 95275c9ce8938e8f680345169a62dd1f
        OcipLogin.SignPassword("1493647455426", "secret").Should().Be("95275c9ce8938e8f680345169a62dd1f");
    }

    [Fact]
    public void Login_commands_follow_the_schema()
    {
        var signed = OcipLogin.LoginRequest14sp4("admin", "95275c9ce8938e8f680345169a62dd1f");
        signed.Name.LocalName.Should().Be("LoginRequest14sp4");
        Children(signed).Should().Equal("userId", "signedPassword");

        var plain = OcipLogin.LoginRequest22V5("admin", "secret");
        plain.Name.LocalName.Should().Be("LoginRequest22V5");
        Children(plain).Should().Equal("userId", "password");

        Children(OcipLogin.AuthenticationRequest("admin")).Should().Equal("userId");
    }

    [Fact]
    public void List_commands_follow_the_schema()
    {
        OcipCommands.ServiceProviderGetList().Elements().Should().BeEmpty();
        Children(OcipCommands.GroupGetListInServiceProvider("sp")).Should().Equal("serviceProviderId");

        var paged = OcipCommands.UserGetListInGroupPaged("sp", "g", 1001, 1000);
        Children(paged).Should().Equal("serviceProviderId", "groupId", "responsePagingControl");
        Children(paged.Element("responsePagingControl")!).Should().Equal("responseStartIndex", "responsePageSize");
        paged.Element("responsePagingControl")!.Element("responseStartIndex")!.Value.Should().Be("1001");

        Children(OcipCommands.UserGetListInGroup("sp", "g")).Should().Equal("serviceProviderId", "GroupId");
    }

    [Fact]
    public void The_SOAP_envelope_carries_the_document_as_escaped_text_in_in0()
    {
        var envelope = XDocument.Parse(OcipSoapTransport.Envelope("<BroadsoftDocument/>"));

        var call = envelope.Root!.Element(OcipSoapTransport.Soap + "Body")!.Elements().Single();
        call.Name.Should().Be(OcipSoapTransport.Service + "processOCIMessage");
        call.Elements().Single().Name.LocalName.Should().Be("in0");
        call.Value.Should().Be("<BroadsoftDocument/>");
        OcipSoapTransport.Envelope("<a/>").Should().Contain("&lt;a/&gt;");
    }

    [Fact]
    public void The_endpoint_never_prints_its_password()
    {
        var endpoint = new OcipEndpoint("as.example.net", 2208, OcipTransport.Tcp, "admin", "hunter2-secret");

        endpoint.ToString().Should().NotContain("hunter2-secret").And.Contain("admin").And.Contain("2208");
        endpoint.Address.Should().Be("tcp://as.example.net:2208");
        (endpoint with { Transport = OcipTransport.SoapTls, Port = 443 }).Address
            .Should().Be("https://as.example.net:443/webservice/services/ProvisioningService");
    }

    [Theory]
    [InlineData("ab:CD:01", "ABCD01")]
    [InlineData(" ab cd 01 ", "ABCD01")]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void Fingerprints_are_normalised(string? pasted, string? normalised) =>
        OcipCertificatePolicy.Normalize(pasted).Should().Be(normalised);
}
