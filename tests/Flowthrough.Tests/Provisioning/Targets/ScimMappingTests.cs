using System.Text.Json;
using Flowthrough.Provisioning.Targets;
using Flowthrough.Provisioning.Targets.Scim;
using Flowthrough.Subscribers;

namespace Flowthrough.Tests.Provisioning.Targets;

public sealed class ScimMappingTests
{
    private static readonly TargetUserData Anna = new("0193a7c4-5e2b-7d10-9c3f-2a6b8e4d1f05", "anna@acme.example",
        "anna@acme.example", "Anna", "Nowak-Żółć", "+48 22 555 0100", null, "100", "pl", "Europe/Warsaw", "anna@sp.example",
        "Acme+Sp", SubscriberPackage.Premium, OrganizationAdmin: false);

    [Fact]
    public void The_default_mapping_builds_the_rfc_7643_user_with_the_enterprise_extension()
    {
        var mapping = ScimMapping.Parse(null, out var errors);
        errors.Should().BeEmpty();

        var user = JsonDocument.Parse(mapping.Build(Anna).ToJsonString()).RootElement;

        user.GetProperty("schemas").EnumerateArray().Select(s => s.GetString()).Should()
            .BeEquivalentTo([ScimMapping.CoreUserSchema, ScimMapping.EnterpriseUserSchema]);
        user.GetProperty("userName").GetString().Should().Be("anna@acme.example");
        user.GetProperty("externalId").GetString().Should().Be(Anna.ExternalId);
        user.GetProperty("name").GetProperty("familyName").GetString().Should().Be("Nowak-Żółć");
        user.GetProperty("emails")[0].GetProperty("primary").GetBoolean().Should().BeTrue();
        user.GetProperty("phoneNumbers").GetArrayLength().Should().Be(1, "an empty mobile number is not sent");
        user.GetProperty("active").GetBoolean().Should().BeTrue();
        user.GetProperty(ScimMapping.EnterpriseUserSchema).GetProperty("organization").GetString().Should().Be("Acme+Sp");
        mapping.Read(user).Should().BeEquivalentTo(mapping.Expected(Anna), "what is written reads back the same");
    }

    [Fact]
    public void A_custom_mapping_names_each_bad_line_and_requires_a_user_name()
    {
        ScimMapping.Parse("name.givenName = firstName\nnickName = shoeSize\nemails[work.x] = email\njust text", out var errors);

        errors.Should().HaveCount(4);
        errors[0].Should().Contain("Line 2").And.Contain("shoeSize");
        errors[1].Should().Contain("Line 3");
        errors[2].Should().Contain("Line 4");
        errors[3].Should().Contain("userName");
    }

    [Fact]
    public void Attribute_names_are_read_case_insensitively_and_typed_values_by_type()
    {
        ScimPath.TryParse("phoneNumbers[mobile]", out var mobile).Should().BeTrue();
        ScimPath.TryParse("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:organization", out var organization)
            .Should().BeTrue();
        var user = JsonDocument.Parse("""
            {"PhoneNumbers":[{"value":"1","type":"work"},{"value":"2","Type":"Mobile"}],
             "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"Organization":"Acme"}}
            """).RootElement;

        mobile!.Read(user).Should().Be("2");
        organization!.Read(user).Should().Be("Acme");
    }
}
