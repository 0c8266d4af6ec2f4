using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Flowthrough.Provisioning;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.Tests.Subscribers;

/// <summary>
/// <c>POST /v1/broadworks/subscribers/validate</c> as the public spec defines it: only <c>email</c> is required, two
/// variants (the email alone, optionally with <c>customerInfo.primaryEmail</c>; or the whole subscriber), every check a
/// POST runs, and <c>info</c> as one object <c>{infoCode, description}</c>.
/// </summary>
public sealed class SubscriberPrecheckTests : IAsyncLifetime
{
    private const string Path = "/v1/broadworks/subscribers";
    private FlowthroughApplication app = null!;
    private TestPartner partner = null!;
    private HttpClient client = null!;

    public async ValueTask InitializeAsync()
    {
        app = await FlowthroughApplication.CreateAsync();
        partner = await app.CreatePartnerAsync();
        client = partner.Client();
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();

    private Dictionary<string, object?> Whole(string userId = "95547321@sp.example", string email = "john.andersen@example.com",
        string spEnterpriseId = "Reseller1+example") => new()
    {
        // The request example of the public spec, with this partner's provisioning ID.
        ["provisioningId"] = partner.Template.ProvisioningId,
        ["userId"] = userId,
        ["spEnterpriseId"] = spEnterpriseId,
        ["firstName"] = "John",
        ["lastName"] = "Andersen",
        ["email"] = email,
        ["primaryPhoneNumber"] = "+1-240-555-1212",
        ["language"] = "en",
        ["package"] = "standard",
    };

    private async Task<JsonObject> SucceedsAsync(object body)
    {
        var response = await client.PostAsJsonAsync($"{Path}/validate", body);
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, text);
        var json = JsonNode.Parse(text)!.AsObject();
        // The spec's schema: message is a string, info an object of a number and a string.
        json["message"]!.GetValue<string>().Should().Be("success");
        json["info"].Should().BeOfType<JsonObject>();
        json["info"]!["infoCode"]!.GetValueKind().Should().Be(System.Text.Json.JsonValueKind.Number);
        json["info"]!["description"]!.GetValue<string>().Should().StartWith("Provisioning preCheck validation successful.");
        return json;
    }

    private async Task<JsonObject> FailsAsync(object body, HttpStatusCode status, int errorCode, string fieldName)
    {
        var response = await client.PostAsJsonAsync($"{Path}/validate", body);
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(status, text);
        var problem = JsonNode.Parse(text)!.AsObject();
        problem["errorCode"]!.GetValue<int>().Should().Be(errorCode, text);
        problem["fieldName"]!.GetValue<string>().Should().Be(fieldName);
        problem["errors"]![0]!["errorCode"]!.GetValue<int>().Should().Be(errorCode);
        return problem;
    }

    private async Task ProvisionedAsync(string userId, string email, string spEnterpriseId)
    {
        var response = await client.PostAsJsonAsync(Path, Whole(userId, email, spEnterpriseId));
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        await app.DrainEngineAsync();
    }

    [Fact]
    public async Task The_email_alone_is_a_valid_precheck_and_a_generated_client_body_is_accepted()
    {
        var json = await SucceedsAsync(new { email = "john.andersen@example.com" });

        json["info"]!["infoCode"]!.GetValue<int>().Should().Be(100);
        json["info"]!["description"]!.GetValue<string>().Should().Be("Provisioning preCheck validation successful.");
    }

    [Fact]
    public async Task The_whole_subscriber_of_the_spec_example_passes_and_nothing_is_written()
    {
        var body = Whole();
        body["customerInfo"] = new { primaryEmail = "alice.anderson@example.com" };

        (await SucceedsAsync(body))["info"]!["infoCode"]!.GetValue<int>().Should().Be(100);

        await using var db = app.CreateDbContext();
        (await db.Subscribers.CountAsync()).Should().Be(0);
        (await db.Organizations.CountAsync()).Should().Be(0);
    }

    [Fact]
    public async Task Email_is_the_only_required_field_and_its_format_is_checked()
    {
        await FailsAsync(new { }, HttpStatusCode.BadRequest, 1001, "email");
        await FailsAsync(new { email = "not-an-address" }, HttpStatusCode.BadRequest, 1003, "email");
        await FailsAsync(new { email = "a@example.com", customerInfo = new { } }, HttpStatusCode.BadRequest, 1001,
            "customerInfo.primaryEmail");
        await FailsAsync(new { email = "a@example.com", customerInfo = new { primaryEmail = "nope" } },
            HttpStatusCode.BadRequest, 1003, "customerInfo.primaryEmail");
    }

    [Fact]
    public async Task The_whole_variant_runs_the_field_checks_of_a_post()
    {
        var noLastName = Whole();
        noLastName.Remove("lastName");
        await FailsAsync(noLastName, HttpStatusCode.BadRequest, 1001, "lastName");

        var badPackage = Whole();
        badPackage["package"] = "gold";
        await FailsAsync(badPackage, HttpStatusCode.BadRequest, 1003, "package");

        var noNumber = Whole();
        noNumber.Remove("primaryPhoneNumber");
        await FailsAsync(noNumber, HttpStatusCode.BadRequest, 1001, "primaryPhoneNumber");
    }

    [Fact]
    public async Task An_unknown_template_is_1004()
    {
        var body = Whole();
        body["provisioningId"] = "no-such-template";

        await FailsAsync(body, HttpStatusCode.BadRequest, 1004, "provisioningId");
    }

    [Fact]
    public async Task A_user_id_in_use_in_this_partner_is_10022_and_in_another_partner_10023()
    {
        await ProvisionedAsync("taken@sp.example", "first@example.com", "sp+one");
        await FailsAsync(Whole(userId: "taken@sp.example"), HttpStatusCode.Conflict, 10022, "userId");

        var other = await app.CreatePartnerAsync();
        var otherClient = other.Client();
        var body = Whole(userId: "taken@sp.example");
        body["provisioningId"] = other.Template.ProvisioningId;
        var response = await otherClient.PostAsJsonAsync($"{Path}/validate", body);
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.Conflict, text);
        JsonNode.Parse(text)!["errorCode"]!.GetValue<int>().Should().Be(10023);
        text.Should().NotContain(partner.Partner.Name, "the other partner is never named");

        // The POST runs the same check.
        var post = await otherClient.PostAsJsonAsync(Path, body);
        post.StatusCode.Should().Be(HttpStatusCode.Conflict);
        JsonNode.Parse(await post.Content.ReadAsStringAsync())!["errorCode"]!.GetValue<int>().Should().Be(10023);
    }

    [Fact]
    public async Task An_email_used_by_another_subscriber_is_10024_in_both_variants()
    {
        await ProvisionedAsync("first@sp.example", "shared@example.com", "sp+one");

        await FailsAsync(Whole(userId: "second@sp.example", email: "shared@example.com", spEnterpriseId: "sp+one"),
            HttpStatusCode.Conflict, 10024, "email");
        await FailsAsync(new { email = "Shared@Example.com" }, HttpStatusCode.Conflict, 10024, "email");
    }

    [Fact]
    public async Task An_email_of_a_user_in_another_organisation_is_7002()
    {
        await using (var db = app.CreateDbContext())
        {
            var organization = new CustomerOrganization
            {
                PartnerId = partner.Partner.Id, TemplateId = partner.Template.Id, SpEnterpriseId = "sp+one", Name = "One",
                Created = DateTime.UtcNow,
            };
            db.Organizations.Add(organization);
            db.People.Add(new Person
            {
                OrganizationId = organization.Id, Email = "colleague@example.com", NormalizedEmail = "colleague@example.com",
                Created = DateTime.UtcNow,
            });
            await db.SaveChangesAsync();
        }

        await FailsAsync(Whole(email: "colleague@example.com", spEnterpriseId: "sp+two"), HttpStatusCode.Conflict, 7002,
            "email");
        // Into the organisation the user already belongs to it is fine: the subscriber joins that customer.
        (await SucceedsAsync(Whole(email: "colleague@example.com", spEnterpriseId: "sp+one")))["info"]!["infoCode"]!
            .GetValue<int>().Should().Be(101);
    }

    [Fact]
    public async Task An_email_of_a_consumer_account_passes_and_says_consent_will_be_asked()
    {
        await using (var db = app.CreateDbContext())
        {
            db.People.Add(new Person { Email = "free@mail.example", NormalizedEmail = "free@mail.example", Created = DateTime.UtcNow });
            await db.SaveChangesAsync();
        }

        (await SucceedsAsync(new { email = "free@mail.example" }))["info"]!["infoCode"]!.GetValue<int>().Should().Be(102);
    }

    [Fact]
    public async Task Customer_info_names_an_existing_customer_of_this_partner_or_is_free()
    {
        await ProvisionedAsync("admin@sp.example", "admin@customer.example", "sp+customer");

        // An existing customer of this partner: the subscriber joins it.
        (await SucceedsAsync(new { email = "new.user@customer.example", customerInfo = new { primaryEmail = "admin@customer.example" } }))
            ["info"]!["infoCode"]!.GetValue<int>().Should().Be(101);
        // Free: a new customer would be created.
        (await SucceedsAsync(new { email = "new.user@customer.example", customerInfo = new { primaryEmail = "nobody@new.example" } }))
            ["info"]!["infoCode"]!.GetValue<int>().Should().Be(100);

        // The customer named and the spEnterpriseId sent disagree.
        var mismatch = Whole(email: "new.user@customer.example", spEnterpriseId: "sp+elsewhere");
        mismatch["customerInfo"] = new { primaryEmail = "admin@customer.example" };
        await FailsAsync(mismatch, HttpStatusCode.Conflict, 10026, "customerInfo.primaryEmail");

        // Another partner's customer.
        var other = await app.CreatePartnerAsync();
        var response = await other.Client().PostAsJsonAsync($"{Path}/validate",
            new { email = "someone@elsewhere.example", customerInfo = new { primaryEmail = "admin@customer.example" } });
        response.StatusCode.Should().Be(HttpStatusCode.Conflict);
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!["errorCode"]!.GetValue<int>().Should().Be(10025);
    }
}
