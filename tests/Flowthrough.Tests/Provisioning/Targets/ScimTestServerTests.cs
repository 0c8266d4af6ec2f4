using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Flowthrough.Tests.Provisioning.Targets;

/// <summary>The SCIM test server behaves as a real identity service would, faults included: what the target tests rely on.</summary>
public sealed class ScimTestServerTests(ScimServerFixture fixture) : IClassFixture<ScimServerFixture>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static JsonObject User(string userName, string externalId = "") => new()
    {
        ["schemas"] = new JsonArray(ScimTestServer.UserSchema, ScimTestServer.EnterpriseUserSchema),
        ["userName"] = userName,
        ["externalId"] = externalId.Length > 0 ? externalId : "ext-" + userName,
        ["name"] = new JsonObject { ["givenName"] = "Ann", ["familyName"] = "Lee" },
        ["emails"] = new JsonArray(new JsonObject { ["value"] = userName, ["type"] = "work", ["primary"] = true }),
        ["active"] = true,
        [ScimTestServer.EnterpriseUserSchema] = new JsonObject { ["organization"] = "Acme" },
    };

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string path, JsonNode body) =>
        await client.PostAsync(new Uri(path, UriKind.Relative),
            new StringContent(body.ToJsonString(), Encoding.UTF8, "application/scim+json"), Cancellation);

    private static async Task<JsonElement> BodyAsync(HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation);

    private static async Task<JsonElement> ShouldBeScimErrorAsync(HttpResponseMessage response, HttpStatusCode status, string? scimType)
    {
        response.StatusCode.Should().Be(status);
        var error = await BodyAsync(response);
        error.GetProperty("schemas")[0].GetString().Should().Be(ScimTestServer.ErrorSchema);
        error.GetProperty("status").GetString().Should().Be(((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (scimType is null)
        {
            error.TryGetProperty("scimType", out _).Should().BeFalse();
        }
        else
        {
            error.GetProperty("scimType").GetString().Should().Be(scimType);
        }

        return error;
    }

    [Fact]
    public async Task Users_are_found_by_externalId_exactly_and_by_userName_whatever_the_case()
    {
        var server = await fixture.FreshAsync();
        var created = await server.CreateUserAsync(User("Ann.Lee@Acme.example", "subscriber-1"));
        await server.CreateUserAsync(User("other@acme.example", "subscriber-2"));

        var byExternalId = await server.FindUsersAsync("externalId eq \"subscriber-1\"");
        byExternalId.Should().ContainSingle().Which.GetProperty("id").GetString().Should().Be(created.GetProperty("id").GetString());
        (await server.FindUsersAsync("externalId eq \"SUBSCRIBER-1\"")).Should().BeEmpty("externalId is case-exact (RFC 7643 §3.1)");
        var byUserName = await server.FindUsersAsync("userName eq \"ann.lee@acme.EXAMPLE\"");
        byUserName.Should().ContainSingle().Which.GetProperty("userName").GetString().Should().Be("Ann.Lee@Acme.example");
        byUserName[0].GetProperty(ScimTestServer.EnterpriseUserSchema).GetProperty("organization").GetString().Should().Be("Acme");
        byUserName[0].GetProperty("meta").GetProperty("location").GetString().Should().StartWith(server.BaseUrl + "Users/");
    }

    [Fact]
    public async Task A_userName_taken_in_another_case_is_a_409_uniqueness_error()
    {
        var server = await fixture.FreshAsync();
        await server.CreateUserAsync(User("ann@acme.example"));

        using var response = await PostAsync(server.Scim, "Users", User("ANN@acme.example"));

        await ShouldBeScimErrorAsync(response, HttpStatusCode.Conflict, "uniqueness");
        (await server.StatsAsync()).Users.Should().Be(1);
    }

    [Fact]
    public async Task Users_page_through_startIndex_and_count()
    {
        var server = await fixture.FreshAsync();
        for (var i = 0; i < 5; i++)
        {
            await server.CreateUserAsync(User($"user{i}@acme.example"));
        }

        using var page = await server.Scim.GetAsync(new Uri("Users?startIndex=3&count=2", UriKind.Relative), Cancellation);
        var list = await BodyAsync(page);
        list.GetProperty("totalResults").GetInt32().Should().Be(5);
        list.GetProperty("startIndex").GetInt32().Should().Be(3);
        list.GetProperty("Resources").GetArrayLength().Should().Be(2);
        (await server.UsersAsync(pageSize: 2)).Select(u => u.GetProperty("userName").GetString())
            .Should().BeEquivalentTo(Enumerable.Range(0, 5).Select(i => $"user{i}@acme.example"));
    }

    [Fact]
    public async Task Group_members_are_added_and_removed_by_PATCH_and_show_on_the_user()
    {
        var server = await fixture.FreshAsync();
        var userId = (await server.CreateUserAsync(User("ann@acme.example"))).GetProperty("id").GetString()!;
        using var created = await PostAsync(server.Scim, "Groups",
            new JsonObject { ["schemas"] = new JsonArray(ScimTestServer.GroupSchema), ["displayName"] = "Acme Standard" });
        created.StatusCode.Should().Be(HttpStatusCode.Created);
        var groupId = (await BodyAsync(created)).GetProperty("id").GetString()!;
        using var duplicate = await PostAsync(server.Scim, "Groups",
            new JsonObject { ["schemas"] = new JsonArray(ScimTestServer.GroupSchema), ["displayName"] = "acme standard" });
        await ShouldBeScimErrorAsync(duplicate, HttpStatusCode.Conflict, "uniqueness");

        // Members-only PATCHes answer 204 No Content (tools/ScimServer/lib/members.js), as RFC 7644 §3.5.2 allows.
        (await server.PatchGroupAsync(groupId, Operation(new JsonObject
        {
            ["op"] = "add", ["path"] = "members", ["value"] = new JsonArray(new JsonObject { ["value"] = userId }),
        }))).Should().BeNull();
        var members = (await server.GroupsAsync()).Should().ContainSingle().Which.GetProperty("members");
        members.EnumerateArray().Select(m => m.GetProperty("value").GetString()).Should().Equal(userId);
        (await server.FindUsersAsync("userName eq \"ann@acme.example\""))[0].GetProperty("groups")[0]
            .GetProperty("value").GetString().Should().Be(groupId);

        await server.PatchGroupAsync(groupId, Operation(new JsonObject { ["op"] = "remove", ["path"] = $"members[value eq \"{userId}\"]" }));
        (await server.GroupsAsync())[0].GetProperty("members").GetArrayLength().Should().Be(0);

        var renamed = await server.PatchGroupAsync(groupId, new JsonObject { ["displayName"] = "Acme Premium" });
        renamed!.Value.GetProperty("displayName").GetString().Should().Be("Acme Premium", "other PATCHes answer the resource");
    }

    private static JsonObject Operation(JsonObject operation) => new() { ["Operations"] = new JsonArray(operation) };

    [Fact]
    public async Task Drift_injected_by_patch_and_delete_is_what_the_server_then_holds()
    {
        var server = await fixture.FreshAsync();
        var id = (await server.CreateUserAsync(User("ann@acme.example"))).GetProperty("id").GetString()!;

        var patched = await server.PatchUserAsync(id, new JsonObject { ["active"] = false, ["title"] = "Changed outside" });
        patched.GetProperty("active").GetBoolean().Should().BeFalse();
        (await server.UsersAsync())[0].GetProperty("title").GetString().Should().Be("Changed outside");

        await server.DeleteUserAsync(id);
        (await server.UsersAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task A_429_carries_Retry_After_and_only_the_switched_number_of_requests_fail()
    {
        var server = await fixture.FreshAsync();
        await server.SetFaultsAsync(new ScimFaults { Fail429 = 1, Fail429RetryAfterSeconds = 3 });

        using (var throttled = await server.Scim.GetAsync(new Uri("Users", UriKind.Relative), Cancellation))
        {
            await ShouldBeScimErrorAsync(throttled, HttpStatusCode.TooManyRequests, null);
            throttled.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromSeconds(3));
        }

        using (var next = await server.Scim.GetAsync(new Uri("Users", UriKind.Relative), Cancellation))
        {
            next.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        var log = await server.RequestsAsync();
        log.Select(r => (r.Method, r.Path, r.Status)).Should().Equal(("GET", "/scim/v2/Users", 429), ("GET", "/scim/v2/Users", 200));
        log[1].Time.Should().BeOnOrAfter(log[0].Time);
    }

    [Fact]
    public async Task A_503_answers_with_or_without_Retry_After_as_switched()
    {
        var server = await fixture.FreshAsync();
        await server.SetFaultsAsync(new ScimFaults { Fail503 = 2 });
        using (var plain = await server.Scim.GetAsync(new Uri("Users", UriKind.Relative), Cancellation))
        {
            await ShouldBeScimErrorAsync(plain, HttpStatusCode.ServiceUnavailable, null);
            plain.Headers.RetryAfter.Should().BeNull();
        }

        (await server.FaultsAsync()).Fail503.Should().Be(1, "each failed request uses one");
        await server.SetFaultsAsync(new ScimFaults { Fail503 = 1, Fail503RetryAfterSeconds = 7 });
        using var withDelay = await server.Scim.GetAsync(new Uri("Users", UriKind.Relative), Cancellation);
        withDelay.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        withDelay.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromSeconds(7));
    }

    [Fact]
    public async Task A_dropped_request_gets_no_answer_and_the_next_one_does()
    {
        var server = await fixture.FreshAsync();
        // HttpClient sends a request again by itself when a connection closes before any answer, so one
        // dropped request is not enough to make it fail: the switch holds enough drops for its retries.
        const int drops = 5;
        await server.SetFaultsAsync(new ScimFaults { Drop = drops });
        using var client = new HttpClient { BaseAddress = server.BaseUrl };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", server.Token);

        var dropped = async () => await client.GetAsync(new Uri("Users", UriKind.Relative), Cancellation);

        await dropped.Should().ThrowAsync<HttpRequestException>();
        var attempts = await server.RequestsAsync();
        attempts.Should().OnlyContain(r => r.Status == 0, "a dropped request is logged without a status");
        (await server.FaultsAsync()).Drop.Should().Be(drops - attempts.Count, "each dropped connection uses one");
        attempts.Should().NotBeEmpty();

        await server.SetFaultsAsync(new ScimFaults());
        using var next = await client.GetAsync(new Uri("Users", UriKind.Relative), Cancellation);
        next.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_truncated_answer_breaks_the_request_at_once_without_a_resend()
    {
        var server = await fixture.FreshAsync();
        await server.SetFaultsAsync(new ScimFaults { Truncate = 3 });
        using var client = new HttpClient { BaseAddress = server.BaseUrl };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", server.Token);

        var truncated = async () => await client.GetAsync(new Uri("Users", UriKind.Relative), Cancellation);

        await truncated.Should().ThrowAsync<HttpRequestException>();
        (await server.RequestsAsync()).Select(r => r.Status).Should().Equal(0);
        (await server.FaultsAsync()).Truncate.Should().Be(2);
    }

    [Fact]
    public async Task Switched_user_names_conflict_or_are_rejected_with_the_given_detail()
    {
        var server = await fixture.FreshAsync();
        await server.SetFaultsAsync(new ScimFaults
        {
            ConflictUserNames = ["Elsewhere@acme.example"],
            RejectUserNames = new Dictionary<string, string> { ["bad@acme.example"] = "phoneNumbers[0].value is not E.164" },
        });

        using var conflict = await PostAsync(server.Scim, "Users", User("elsewhere@ACME.example"));
        await ShouldBeScimErrorAsync(conflict, HttpStatusCode.Conflict, "uniqueness");
        using var rejected = await PostAsync(server.Scim, "Users", User("bad@acme.example"));
        (await ShouldBeScimErrorAsync(rejected, HttpStatusCode.BadRequest, "invalidValue")).GetProperty("detail").GetString().Should().Be("phoneNumbers[0].value is not E.164");
        (await server.StatsAsync()).Users.Should().Be(0);
    }

    [Fact]
    public async Task Every_SCIM_endpoint_needs_a_bearer_token_but_the_control_API_does_not()
    {
        var server = await fixture.FreshAsync();
        using var anonymous = new HttpClient { BaseAddress = server.BaseUrl };
        using var wrong = new HttpClient { BaseAddress = server.BaseUrl };
        wrong.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "not-the-token");

        foreach (var path in new[] { "Users", "Groups", "ServiceProviderConfig" })
        {
            using var none = await anonymous.GetAsync(new Uri(path, UriKind.Relative), Cancellation);
            await ShouldBeScimErrorAsync(none, HttpStatusCode.Unauthorized, null);
            using var bad = await wrong.GetAsync(new Uri(path, UriKind.Relative), Cancellation);
            bad.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        }

        using var config = await server.Scim.GetAsync(new Uri("ServiceProviderConfig", UriKind.Relative), Cancellation);
        (await BodyAsync(config)).GetProperty("patch").GetProperty("supported").GetBoolean().Should().BeTrue();
        using var types = await server.Scim.GetAsync(new Uri("ResourceTypes/User", UriKind.Relative), Cancellation);
        (await BodyAsync(types)).GetProperty("schemaExtensions")[0].GetProperty("schema").GetString()
            .Should().Be(ScimTestServer.EnterpriseUserSchema);
        (await server.StatsAsync()).Requests.Should().Be(8);
    }

    [Fact]
    public async Task OAuth_client_credentials_issue_counted_tokens_that_the_SCIM_API_accepts()
    {
        var server = await fixture.FreshAsync();
        using var http = new HttpClient();

        using var form = await http.PostAsync(server.TokenUrl, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = server.ClientId, ["client_secret"] = server.ClientSecret,
        }), Cancellation);
        form.StatusCode.Should().Be(HttpStatusCode.OK);
        var issued = await BodyAsync(form);
        issued.GetProperty("token_type").GetString().Should().Be("Bearer");
        issued.GetProperty("expires_in").GetInt32().Should().Be(3600);

        using var basic = new HttpRequestMessage(HttpMethod.Post, server.TokenUrl)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials" }),
        };
        basic.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{server.ClientId}:{server.ClientSecret}")));
        using var basicResponse = await http.SendAsync(basic, Cancellation);
        basicResponse.StatusCode.Should().Be(HttpStatusCode.OK);

        using var scim = new HttpClient { BaseAddress = server.BaseUrl };
        scim.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", issued.GetProperty("access_token").GetString());
        using var users = await scim.GetAsync(new Uri("Users", UriKind.Relative), Cancellation);
        users.StatusCode.Should().Be(HttpStatusCode.OK);
        (await server.StatsAsync()).TokensIssued.Should().Be(2);

        using var refused = await http.PostAsync(server.TokenUrl, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = server.ClientId, ["client_secret"] = "wrong",
        }), Cancellation);
        refused.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await BodyAsync(refused)).GetProperty("error").GetString().Should().Be("invalid_client");
        (await server.StatsAsync()).TokensIssued.Should().Be(2);
    }

    [Fact]
    public async Task An_issued_token_stops_working_once_it_expires()
    {
        await using var server = await ScimTestServer.StartAsync(tokenLifetimeSeconds: 2, Cancellation);
        using var http = new HttpClient();
        using var form = await http.PostAsync(server.TokenUrl, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = server.ClientId, ["client_secret"] = server.ClientSecret,
        }), Cancellation);
        var token = (await BodyAsync(form)).GetProperty("access_token").GetString();
        using var scim = new HttpClient { BaseAddress = server.BaseUrl };
        scim.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using (var accepted = await scim.GetAsync(new Uri("Users", UriKind.Relative), Cancellation))
        {
            accepted.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        await Eventually.HoldsAsync(async () =>
        {
            using var response = await scim.GetAsync(new Uri("Users", UriKind.Relative), Cancellation);
            return response.StatusCode == HttpStatusCode.Unauthorized;
        }, "a token issued for two seconds is refused after them", TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Latency_delays_every_SCIM_answer_and_unknown_switches_are_refused()
    {
        var server = await fixture.FreshAsync();
        await server.SetFaultsAsync(new ScimFaults { LatencyMs = 300 });
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using (var slow = await server.Scim.GetAsync(new Uri("Users", UriKind.Relative), Cancellation))
        {
            slow.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        clock.Elapsed.Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(290));
        using var unknown = await server.Control.PutAsync(new Uri("faults", UriKind.Relative),
            new StringContent("{\"fail500\": 1}", Encoding.UTF8, "application/json"), Cancellation);
        unknown.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await BodyAsync(unknown)).GetProperty("error").GetString().Should().Contain("fail500");
    }

    [Fact]
    public async Task Reset_empties_the_store_and_switches_faults_off()
    {
        var server = await fixture.FreshAsync();
        await server.CreateUserAsync(User("ann@acme.example"));
        await server.SetFaultsAsync(new ScimFaults { Fail503 = 5, LatencyMs = 10 });

        await server.ResetAsync();

        (await server.StatsAsync()).Should().Be(new ScimStats(0, 0, 0, 0));
        (await server.FaultsAsync()).Should().BeEquivalentTo(new ScimFaults());
        (await server.UsersAsync()).Should().BeEmpty();
    }
}
