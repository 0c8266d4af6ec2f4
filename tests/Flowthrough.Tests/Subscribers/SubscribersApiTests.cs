using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Flowthrough.Subscribers;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.Tests.Subscribers;

public sealed class SubscribersApiTests : IAsyncLifetime
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

    private Dictionary<string, object?> Body(string userId = "anna.nowak@sp.example", string? email = null) => new()
    {
        ["provisioningId"] = partner.Template.ProvisioningId,
        ["userId"] = userId,
        ["spEnterpriseId"] = "sp1+group1",
        ["firstName"] = "Anna",
        ["lastName"] = "Nowak-Żółć",
        ["package"] = "standard",
        ["email"] = email,
        ["primaryPhoneNumber"] = "+48 22 555 0100",
        ["language"] = "pl_PL",
        ["timezone"] = "Europe/Warsaw",
    };

    private async Task<JsonObject> ProvisionAsync(Dictionary<string, object?> body)
    {
        var response = await client.PostAsJsonAsync(Path, body, TestContext.Current.CancellationToken);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    private static async Task<JsonObject> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(status, text);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        return JsonNode.Parse(text)!.AsObject();
    }

    private async Task<JsonObject> PostProblemAsync(string json, HttpStatusCode status = HttpStatusCode.BadRequest)
    {
        var response = await client.PostAsync(Path, new StringContent(json, Encoding.UTF8, "application/json"));
        return await ProblemAsync(response, status);
    }

    [Fact]
    public async Task Provision_with_email_is_trusted_and_starts_provisioning()
    {
        var subscriber = await ProvisionAsync(Body(email: "Anna.Nowak@Example.com"));

        subscriber["status"]!.GetValue<string>().Should().Be("provisioning");
        subscriber["email"]!.GetValue<string>().Should().Be("Anna.Nowak@Example.com");
        subscriber["lastName"]!.GetValue<string>().Should().Be("Nowak-Żółć");
        subscriber["provisioningId"]!.GetValue<string>().Should().Be(partner.Template.ProvisioningId);
        subscriber["selfActivated"]!.GetValue<bool>().Should().BeFalse();
        subscriber["created"]!.GetValue<string>().Should().MatchRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$");
        // A field with no value is left out, never null; personId only once provisioned.
        subscriber.ContainsKey("personId").Should().BeFalse();
        subscriber.ContainsKey("mobilePhoneNumber").Should().BeFalse();
        subscriber.ContainsKey("errors").Should().BeFalse();
    }

    [Fact]
    public async Task Provision_without_email_waits_for_email_input()
    {
        var subscriber = await ProvisionAsync(Body());

        subscriber["status"]!.GetValue<string>().Should().Be("pending_email_input");
        subscriber.ContainsKey("email").Should().BeFalse();
    }

    [Theory]
    [InlineData("userId")]
    [InlineData("provisioningId")]
    [InlineData("spEnterpriseId")]
    [InlineData("firstName")]
    [InlineData("lastName")]
    [InlineData("package")]
    public async Task Missing_mandatory_field_is_1001_naming_it(string field)
    {
        var body = Body();
        body.Remove(field);

        var problem = await PostProblemAsync(JsonSerializer.Serialize(body));

        problem["errorCode"]!.GetValue<int>().Should().Be(1001);
        problem["fieldName"]!.GetValue<string>().Should().Be(field);
        problem["status"]!.GetValue<int>().Should().Be(400);
        problem["trackingId"]!.GetValue<string>().Should().NotBeEmpty();
        problem["errors"]![0]!["errorCode"]!.GetValue<int>().Should().Be(1001);
        problem["message"]!.GetValue<string>().Should().Contain(field);
    }

    [Fact]
    public async Task A_primary_number_or_an_extension_is_required()
    {
        var body = Body();
        body.Remove("primaryPhoneNumber");

        var problem = await PostProblemAsync(JsonSerializer.Serialize(body));

        problem["errorCode"]!.GetValue<int>().Should().Be(1001);
        problem["fieldName"]!.GetValue<string>().Should().Be("primaryPhoneNumber");

        body["extension"] = "1234";
        (await ProvisionAsync(body))["extension"]!.GetValue<string>().Should().Be("1234");
    }

    [Theory]
    [InlineData("userId", 162)]
    [InlineData("email", 255)]
    [InlineData("firstName", 65)]
    [InlineData("extension", 11)]
    public async Task Oversize_field_is_1002_naming_it(string field, int length)
    {
        var body = Body();
        body[field] = field == "email" ? new string('a', length - 12) + "@example.com" : new string('1', length);

        var problem = await PostProblemAsync(JsonSerializer.Serialize(body));

        problem["errorCode"]!.GetValue<int>().Should().Be(1002);
        problem["fieldName"]!.GetValue<string>().Should().Be(field);
    }

    [Fact]
    public async Task A_userId_of_exactly_161_characters_is_accepted()
    {
        var subscriber = await ProvisionAsync(Body(userId: new string('u', 161)));

        subscriber["userId"]!.GetValue<string>().Should().HaveLength(161);
    }

    [Theory]
    [InlineData("email", "not-an-email")]
    [InlineData("email", "two@@example.com")]
    [InlineData("language", "pol")]
    [InlineData("language", "PL")]
    [InlineData("timezone", "Mars/Olympus")]
    [InlineData("package", "gold")]
    [InlineData("package", "2")]
    [InlineData("primaryPhoneNumber", "call me")]
    public async Task Invalid_value_is_1003_naming_the_field(string field, string value)
    {
        var body = Body();
        body[field] = value;

        var problem = await PostProblemAsync(JsonSerializer.Serialize(body));

        problem["errorCode"]!.GetValue<int>().Should().Be(1003);
        problem["fieldName"]!.GetValue<string>().Should().Be(field);
    }

    [Theory]
    [InlineData("{\"userId\": ")]
    [InlineData("not json")]
    [InlineData("[1, 2]")]
    [InlineData("")]
    [InlineData("null")]
    public async Task Malformed_json_is_1003(string json)
    {
        var problem = await PostProblemAsync(json);

        problem["errorCode"]!.GetValue<int>().Should().Be(1003);
    }

    [Fact]
    public async Task A_field_of_the_wrong_json_type_is_1003_naming_it()
    {
        var problem = await PostProblemAsync("{\"userId\": 12345}");

        problem["errorCode"]!.GetValue<int>().Should().Be(1003);
        problem["fieldName"]!.GetValue<string>().Should().Be("userId");
    }

    [Fact]
    public async Task Oversize_body_is_refused_without_a_server_error()
    {
        var problem = await PostProblemAsync("{\"userId\": \"" + new string('x', 70_000) + "\"}");

        problem["errorCode"]!.GetValue<int>().Should().Be(1002);
    }

    [Fact]
    public async Task Duplicate_userId_in_the_partner_is_409_10022()
    {
        await ProvisionAsync(Body());

        var problem = await PostProblemAsync(JsonSerializer.Serialize(Body()), HttpStatusCode.Conflict);

        problem["errorCode"]!.GetValue<int>().Should().Be(10022);
        problem["fieldName"]!.GetValue<string>().Should().Be("userId");
    }

    [Fact]
    public async Task Unknown_provisioningId_is_400_naming_it()
    {
        var body = Body();
        body["provisioningId"] = "no-such-template";

        var problem = await PostProblemAsync(JsonSerializer.Serialize(body));

        problem["errorCode"]!.GetValue<int>().Should().Be(1004);
        problem["fieldName"]!.GetValue<string>().Should().Be("provisioningId");
    }

    [Fact]
    public async Task Another_partners_provisioningId_is_unknown_here()
    {
        var other = await app.CreatePartnerAsync();
        var body = Body();
        body["provisioningId"] = other.Template.ProvisioningId;

        var problem = await PostProblemAsync(JsonSerializer.Serialize(body));

        problem["errorCode"]!.GetValue<int>().Should().Be(1004);
    }

    [Fact]
    public async Task Same_idempotency_key_and_body_gets_the_same_answer_once()
    {
        var json = JsonSerializer.Serialize(Body(email: "a@example.com"));
        async Task<HttpResponseMessage> Send(string content)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, Path)
            {
                Content = new StringContent(content, Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("Idempotency-Key", "key-1");
            return await client.SendAsync(request);
        }

        var first = await Send(json);
        var second = await Send(json);

        first.StatusCode.Should().Be(HttpStatusCode.OK);
        second.StatusCode.Should().Be(HttpStatusCode.OK);
        var firstBody = JsonNode.Parse(await first.Content.ReadAsStringAsync())!;
        var secondBody = JsonNode.Parse(await second.Content.ReadAsStringAsync())!;
        JsonNode.DeepEquals(firstBody, secondBody).Should().BeTrue();
        await using var db = app.CreateDbContext();
        (await db.Subscribers.CountAsync(s => s.PartnerId == partner.Partner.Id)).Should().Be(1);

        var different = await Send(JsonSerializer.Serialize(Body(userId: "someone.else@sp.example")));
        var problem = await ProblemAsync(different, HttpStatusCode.UnprocessableEntity);
        problem["errorCode"]!.GetValue<int>().Should().Be(1005);
    }

    [Fact]
    public async Task Get_returns_the_subscriber_and_another_partners_is_404()
    {
        var created = await ProvisionAsync(Body());
        var id = created["id"]!.GetValue<string>();

        var fetched = await client.GetFromJsonAsync<JsonObject>($"{Path}/{id}");
        fetched!["userId"]!.GetValue<string>().Should().Be("anna.nowak@sp.example");

        var other = await app.CreatePartnerAsync();
        var foreign = await other.Client().GetAsync($"{Path}/{id}");
        (await ProblemAsync(foreign, HttpStatusCode.NotFound))["errorCode"]!.GetValue<int>().Should().Be(1102);
        (await other.Client().DeleteAsync($"{Path}/{id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await client.GetAsync($"{Path}/not-a-guid")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Requests_without_or_with_a_bad_token_are_401()
    {
        var anonymous = await app.CreateClient((string?)null).GetAsync(Path);
        (await ProblemAsync(anonymous, HttpStatusCode.Unauthorized))["errorCode"]!.GetValue<int>().Should().Be(1100);
        anonymous.Headers.WwwAuthenticate.ToString().Should().Contain("Bearer");

        var bad = await app.CreateClient("ft_not_a_real_token").GetAsync(Path);
        bad.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Each_operation_needs_its_scope()
    {
        var readOnly = app.CreateClient(partner.ReadOnlyToken);
        var writeOnly = app.CreateClient(partner.WriteOnlyToken);

        (await readOnly.GetAsync(Path)).StatusCode.Should().Be(HttpStatusCode.OK);
        var post = await readOnly.PostAsJsonAsync(Path, Body());
        var problem = await ProblemAsync(post, HttpStatusCode.Forbidden);
        problem["errorCode"]!.GetValue<int>().Should().Be(1101);
        problem["detail"]!.GetValue<string>().Should().Contain("broadworks_subscribers_write");

        (await writeOnly.PostAsJsonAsync(Path, Body())).StatusCode.Should().Be(HttpStatusCode.OK);
        (await writeOnly.GetAsync(Path)).StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Put_changes_details_and_a_provisioned_subscriber_goes_to_updating()
    {
        var created = await ProvisionAsync(Body(email: "anna@example.com"));
        var id = Guid.Parse(created["id"]!.GetValue<string>());
        await using (var db = app.CreateDbContext())
        {
            var subscriber = await db.Subscribers.SingleAsync(s => s.Id == id);
            subscriber.BeginAttempt();
            subscriber.UpdateDetails(new DetailChange(MobilePhoneNumber: "+48 600 000 000"), Actors.Api, DateTime.UtcNow);
            subscriber.CompleteProvisioning("u-" + Guid.NewGuid(), null, Guid.NewGuid(), DateTime.UtcNow);
            await db.SaveChangesAsync();
        }

        var response = await client.PutAsJsonAsync($"{Path}/{id}",
            new { firstName = "Anka", package = "premium", mobilePhoneNumber = "" });

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var updated = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        updated["status"]!.GetValue<string>().Should().Be("updating");
        updated["firstName"]!.GetValue<string>().Should().Be("Anka");
        updated["package"]!.GetValue<string>().Should().Be("premium");
        updated.ContainsKey("mobilePhoneNumber").Should().BeFalse();
    }

    [Fact]
    public async Task Put_refuses_an_email_change_and_removing_the_last_number()
    {
        var created = await ProvisionAsync(Body(email: "anna@example.com"));
        var id = created["id"]!.GetValue<string>();

        var email = await client.PutAsJsonAsync($"{Path}/{id}", new { email = "other@example.com" });
        (await ProblemAsync(email, HttpStatusCode.BadRequest))["fieldName"]!.GetValue<string>().Should().Be("email");

        var lastNumber = await client.PutAsJsonAsync($"{Path}/{id}", new { primaryPhoneNumber = "" });
        var problem = await ProblemAsync(lastNumber, HttpStatusCode.BadRequest);
        problem["errorCode"]!.GetValue<int>().Should().Be(1001);

        var swap = await client.PutAsJsonAsync($"{Path}/{id}", new { primaryPhoneNumber = "", extension = "77" });
        swap.StatusCode.Should().Be(HttpStatusCode.OK);
        var swapped = (await swap.Content.ReadFromJsonAsync<JsonObject>())!;
        swapped.ContainsKey("primaryPhoneNumber").Should().BeFalse();
        swapped["extension"]!.GetValue<string>().Should().Be("77");
        swapped["status"]!.GetValue<string>().Should().Be("provisioning");
    }

    [Fact]
    public async Task Delete_removes_the_subscriber_keeps_the_timeline_and_frees_the_userId()
    {
        var created = await ProvisionAsync(Body());
        var id = created["id"]!.GetValue<string>();

        (await client.DeleteAsync($"{Path}/{id}")).StatusCode.Should().Be(HttpStatusCode.NoContent);

        (await client.GetAsync($"{Path}/{id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        await using (var db = app.CreateDbContext())
        {
            var kinds = await db.SubscriberEvents.Where(e => e.SubscriberId == Guid.Parse(id))
                .OrderBy(e => e.Id).Select(e => e.Kind).ToListAsync();
            kinds.Should().Equal("intake", "deleted");
        }

        await ProvisionAsync(Body());
    }

    [Fact]
    public async Task Precheck_runs_every_check_and_writes_nothing()
    {
        var ok = await client.PostAsJsonAsync($"{Path}/validate", Body(email: "anna@example.com"));
        ok.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = (await ok.Content.ReadFromJsonAsync<JsonObject>())!;
        body["message"]!.GetValue<string>().Should().Be("success");
        body["info"]!["infoCode"]!.GetValue<int>().Should().Be(100);
        body["info"]!["description"]!.GetValue<string>().Should().Be("Provisioning preCheck validation successful.");

        var noEmail = await client.PostAsJsonAsync($"{Path}/validate", Body());
        (await ProblemAsync(noEmail, HttpStatusCode.BadRequest))["fieldName"]!.GetValue<string>().Should().Be("email");

        await using var db = app.CreateDbContext();
        (await db.Subscribers.CountAsync()).Should().Be(0);

        await ProvisionAsync(Body());
        var taken = await client.PostAsJsonAsync($"{Path}/validate", Body(email: "anna@example.com"));
        (await ProblemAsync(taken, HttpStatusCode.Conflict))["errorCode"]!.GetValue<int>().Should().Be(10022);
    }

    [Fact]
    public async Task ConsentMove_is_409_unless_the_subscriber_waits_for_consent()
    {
        var created = await ProvisionAsync(Body(email: "anna@example.com"));
        var id = created["id"]!.GetValue<string>();

        var response = await client.PostAsync($"/v1/subscribers/{id}/emails/consentMove", null);

        (await ProblemAsync(response, HttpStatusCode.Conflict))["errorCode"]!.GetValue<int>().Should().Be(1103);
    }

    [Fact]
    public async Task ConsentMove_resends_the_consent_email()
    {
        var created = await ProvisionAsync(Body(email: "anna@example.com"));
        var id = Guid.Parse(created["id"]!.GetValue<string>());
        await using (var db = app.CreateDbContext())
        {
            var subscriber = await db.Subscribers.SingleAsync(s => s.Id == id);
            subscriber.RequireUserMigration(DateTime.UtcNow);
            await db.SaveChangesAsync();
        }

        var response = await client.PostAsync($"/v1/subscribers/{id}/emails/consentMove", null);

        response.StatusCode.Should().Be(HttpStatusCode.NoContent);
        await using var check = app.CreateDbContext();
        var mail = await check.Outbox.SingleAsync(m => m.SubscriberId == id);
        mail.To.Should().Be("anna@example.com");
        mail.Kind.Should().Be(Flowthrough.Email.EmailKind.ConsentMove);
        (await check.SubscriberEvents.AnyAsync(e => e.SubscriberId == id && e.Kind == "consent_resent")).Should().BeTrue();
    }

    [Fact]
    public async Task OpenApi_document_and_reference_are_served()
    {
        var anonymous = app.CreateClient((string?)null);
        var document = await anonymous.GetFromJsonAsync<JsonObject>("/openapi/v1.json");
        document!["paths"]!.AsObject().ContainsKey("/v1/broadworks/subscribers").Should().BeTrue();
        document["paths"]!.AsObject().ContainsKey("/v1/subscribers/{subscriberId}/emails/consentMove").Should().BeTrue();

        (await anonymous.GetAsync("/docs")).StatusCode.Should().Be(HttpStatusCode.OK);
    }
}
