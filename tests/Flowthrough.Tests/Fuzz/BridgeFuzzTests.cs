using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;

namespace Flowthrough.Tests.Fuzz;

/// <summary>
/// The bridge (<c>/bridge/{provisioningId}</c>) with the right credentials and hostile bodies and user IDs: never a
/// 5xx, and a refused call (anything but 202, or a batch item that is not accepted) writes nothing.
/// </summary>
public sealed class BridgeFuzzTests(FuzzHost host) : IClassFixture<FuzzHost>
{
    /// <summary>A valid user, field by field, as JSON values: hostile bodies mix these with hostile ones.</summary>
    public static readonly IReadOnlyDictionary<string, string> ValidUser = new Dictionary<string, string>
    {
        ["userId"] = "\"fuzz.user@warszawa.sp.example\"",
        ["serviceProviderId"] = "\"sp-warszawa\"",
        ["groupId"] = "\"mokotow\"",
        ["firstName"] = "\"Zofia\"",
        ["lastName"] = "\"Żak\"",
        ["email"] = "\"zofia@example.com\"",
        ["primaryPhoneNumber"] = "\"+48225550101\"",
        ["mobilePhoneNumber"] = "\"+48600100200\"",
        ["extension"] = "\"101\"",
        ["language"] = "\"pl\"",
        ["timezone"] = "\"Europe/Warsaw\"",
        ["isActive"] = "true",
    };

    private static readonly string[] ContentTypes =
        ["application/json", "application/json", "application/json", "text/plain", "application/xml", "", "application/json; charset=utf-16"];

    private string Users => $"/bridge/{host.Partner.Template.ProvisioningId}/users";

    [Fact]
    public async Task Hostile_user_bodies_never_fail_the_server_nor_write_when_refused()
    {
        using var bridge = host.Bridge();
        await Fuzz.CheckAsync("bridge POST /users", 140, HostileJson.Body(ValidUser).Zip(Gen.Elements(ContentTypes)), async input =>
        {
            var before = await host.RowsAsync();
            var (status, _) = await FuzzHost.SendAsync(bridge,
                new HttpRequestMessage(HttpMethod.Post, Users) { Content = FuzzHost.Json(input.Item1, input.Item2) },
                HostileJson.Show(input.Item1));
            if (status != 202)
            {
                (await host.RowsAsync()).Should().Be(before, $"a refused call ({status}) writes nothing: {HostileJson.Show(input.Item1)}");
            }
        });
        await host.ShouldStillServeAsync();
    }

    [Fact]
    public async Task Hostile_batches_never_fail_the_server_and_add_no_more_subscribers_than_accepted()
    {
        using var bridge = host.Bridge();
        var item = Gen.Frequency(
            (6, HostileJson.Object(ValidUser)),
            (1, Gen.Elements("null", "1", "\"x\"", "[]", "[{}]", "true")));
        var batch = Gen.Frequency(
            (8, item.ListOf().Select(items => $"{{\"items\":[{string.Join(",", items.Take(8))}]}}")),
            (1, Gen.Elements("{\"items\":null}", "{\"items\":{}}", "{\"items\":\"x\"}", "{}", "{\"items\":[]}")),
            (1, Gen.Constant("{\"items\":[" + string.Join(",", Enumerable.Repeat("{}", 1001)) + "]}")));
        await Fuzz.CheckAsync("bridge POST /users:batch", 50, HostileJson.Body(batch), async body =>
        {
            var before = await host.RowsAsync();
            var subscribersBefore = await host.SubscriberCountAsync();
            var (status, text) = await FuzzHost.SendAsync(bridge,
                new HttpRequestMessage(HttpMethod.Post, Users + ":batch") { Content = FuzzHost.Json(body) }, HostileJson.Show(body));
            if (status != 200)
            {
                (await host.RowsAsync()).Should().Be(before, $"a refused batch ({status}) writes nothing: {HostileJson.Show(body)}");
                return;
            }

            var accepted = JsonNode.Parse(text)!["accepted"]!.GetValue<int>();
            (await host.SubscriberCountAsync() - subscribersBefore).Should().BeLessThanOrEqualTo(accepted, HostileJson.Show(body));
        });
        await host.ShouldStillServeAsync();
    }

    [Fact]
    public async Task Hostile_user_ids_to_delete_never_fail_the_server()
    {
        using var bridge = host.Bridge();
        await Fuzz.CheckAsync("bridge DELETE /users/{userId}", 60, Fuzz.Text.Where(t => t.Length is > 0 and < 4000), async userId =>
        {
            var before = await host.RowsAsync();
            var (status, _) = await FuzzHost.SendAsync(bridge,
                new HttpRequestMessage(HttpMethod.Delete, $"{Users}/{Fuzz.PathSegment(userId)}"), Fuzz.PathSegment(userId));
            if (status != 202)
            {
                (await host.RowsAsync()).Should().Be(before);
            }
        });
        await host.ShouldStillServeAsync();
    }

    [Fact]
    public async Task A_nul_character_in_a_field_is_refused_as_malformed_and_writes_nothing()
    {
        // PostgreSQL text cannot hold NUL: a name "a\u0000b" that passed validation would fail its insert as a 500.
        using var bridge = host.Bridge();
        var body = string.Join(",", ValidUser.Select(f => $"{HostileJson.Literal(f.Key)}:{(f.Key == "firstName" ? "\"a\\u0000b\"" : f.Value)}"));
        var before = await host.RowsAsync();
        var (status, text) = await FuzzHost.SendAsync(bridge,
            new HttpRequestMessage(HttpMethod.Post, Users) { Content = FuzzHost.Json(System.Text.Encoding.UTF8.GetBytes("{" + body + "}")) }, body);
        status.Should().Be(400, text);
        text.Should().Contain("NUL");
        (await host.RowsAsync()).Should().Be(before);
    }
}
