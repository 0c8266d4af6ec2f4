using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;

namespace Flowthrough.Tests.Fuzz;

/// <summary>
/// The REST API (<c>/v1/broadworks/subscribers</c>) with hostile list filters, paging cursors, IDs, bodies,
/// idempotency keys and tokens: never a 5xx; a refused write and every precheck write nothing.
/// </summary>
public sealed class ApiFuzzTests(FuzzHost host) : IClassFixture<FuzzHost>
{
    private const string Root = "/v1/broadworks/subscribers";

    private static readonly string[] ListFilters =
        ["userId", "personId", "email", "provisioningId", "spEnterpriseId", "status", "lastStatusChange", "after", "selfActivated", "max", "cursor"];

    private static readonly Gen<string> FilterValue = Gen.Frequency(
        (4, Fuzz.Text),
        (2, Gen.Elements("provisioned", "error,provisioned", ",,,", "1700000000000", "2026-01-01T00:00:00Z", "0001-01-01",
            "9999-12-31T23:59:59+14:00", "-1", "0", "101", "2147483648", "9223372036854775807", "true", "TRUE", "1",
            Guid.Empty.ToString(), "00000000-0000-0000-0000-00000000000g", "1e3", " 5", "5 ")));

    private static readonly Gen<string> Query = Gen.Elements(ListFilters.Concat(["", "x", "max[]", "cursor%00"]).ToArray())
        .Zip(FilterValue).ListOf()
        .Select(pairs => string.Join("&", pairs.Take(6).Select(p => $"{p.Item1}={Fuzz.Escape(p.Item2)}")));

    private Dictionary<string, string> ValidProvision => new()
    {
        ["provisioningId"] = HostileJson.Literal(host.Partner.Template.ProvisioningId),
        ["userId"] = "\"api.fuzz@warszawa.sp.example\"",
        ["spEnterpriseId"] = "\"sp-warszawa\"",
        ["firstName"] = "\"Jan\"",
        ["lastName"] = "\"Kowalski\"",
        ["package"] = "\"standard\"",
        ["email"] = "\"jan.kowalski@example.com\"",
        ["primaryPhoneNumber"] = "\"+48225550102\"",
        ["mobilePhoneNumber"] = "\"+48600100201\"",
        ["extension"] = "\"102\"",
        ["language"] = "\"pl\"",
        ["timezone"] = "\"Europe/Warsaw\"",
    };

    private static readonly Gen<string> Token = Gen.Frequency(
        (1, Fuzz.Text.Select(t => "Bearer " + t)),
        (1, Gen.Elements("", "Bearer", "Bearer ", "Basic Og==", "Bearer " + new string('x', 10_000))));

    [Fact]
    public async Task Hostile_list_queries_never_fail_the_server()
    {
        using var client = host.Partner.Client();
        await Fuzz.CheckAsync("API GET list (filters, cursors, max)", 100, Query, async query =>
        {
            var (status, _) = await FuzzHost.SendAsync(client, new HttpRequestMessage(HttpMethod.Get, $"{Root}?{query}"), query);
            status.Should().BeOneOf([200, 400], query);
        });
        await host.ShouldStillServeAsync();
    }

    [Fact]
    public async Task Hostile_provisioning_bodies_never_fail_the_server_nor_write_when_refused()
    {
        using var client = host.Partner.Client();
        var key = Gen.Frequency((3, Gen.Constant<string?>(null)), (1, Fuzz.Text.Select(t => (string?)t)));
        await Fuzz.CheckAsync("API POST (provision) and POST /validate", 140,
            HostileJson.Body(ValidProvision).Zip(key).Zip(Gen.Elements(false, true)), async input =>
            {
                var ((body, idempotencyKey), precheck) = input;
                var before = await host.RowsAsync();
                var request = new HttpRequestMessage(HttpMethod.Post, precheck ? $"{Root}/validate" : Root) { Content = FuzzHost.Json(body) };
                if (idempotencyKey is not null)
                {
                    request.Headers.TryAddWithoutValidation("Idempotency-Key",
                        new string([.. Fuzz.ToWellFormed(idempotencyKey).Where(c => c is not ('\r' or '\n' or '\0'))]));
                }

                var (status, _) = await FuzzHost.SendAsync(client, request, HostileJson.Show(body));
                if (precheck || status >= 300)
                {
                    (await host.RowsAsync()).Should().Be(before, $"{(precheck ? "a precheck" : $"a refused call ({status})")} writes nothing");
                }
            });
        await host.ShouldStillServeAsync();
    }

    [Fact]
    public async Task Hostile_ids_and_updates_never_fail_the_server_nor_write_when_refused()
    {
        using var client = host.Partner.Client();
        var existing = await ProvisionAsync(client);
        var valid = new Dictionary<string, string>
        {
            ["firstName"] = "\"Janina\"",
            ["lastName"] = "\"Nowak\"",
            ["package"] = "\"standard\"",
            ["primaryPhoneNumber"] = "\"+48225550103\"",
            ["extension"] = "\"103\"",
            ["language"] = "\"en\"",
            ["timezone"] = "\"Europe/London\"",
        };
        var id = Gen.Frequency(
            (3, Gen.Constant(existing)),
            (2, Fuzz.Text.Where(t => t.Length is > 0 and < 2000).Select(Fuzz.PathSegment)),
            (1, Gen.Elements(Guid.Empty.ToString(), Guid.NewGuid().ToString(), "..", "%2e%2e", "validate", "x/y")));
        var call = Gen.Elements("GET", "PUT", "PUT", "PUT", "DELETE", "CONSENT");
        await Fuzz.CheckAsync("API GET/PUT/DELETE by id, consentMove", 120, id.Zip(call).Zip(HostileJson.Body(valid)), async input =>
        {
            var ((subscriberId, verb), body) = input;
            var before = await host.RowsAsync();
            var request = verb switch
            {
                "GET" => new HttpRequestMessage(HttpMethod.Get, $"{Root}/{subscriberId}"),
                "PUT" => new HttpRequestMessage(HttpMethod.Put, $"{Root}/{subscriberId}") { Content = FuzzHost.Json(body) },
                "DELETE" => new HttpRequestMessage(HttpMethod.Delete, $"{Root}/{subscriberId}"),
                _ => new HttpRequestMessage(HttpMethod.Post, $"/v1/subscribers/{subscriberId}/emails/consentMove"),
            };
            var (status, _) = await FuzzHost.SendAsync(client, request, $"{verb} {subscriberId} {HostileJson.Show(body)}");
            if (status >= 300 || verb == "GET")
            {
                (await host.RowsAsync()).Should().Be(before, $"{verb} answered {status} and writes nothing");
            }

            if (verb == "DELETE" && status < 300)
            {
                existing = await ProvisionAsync(client);
            }
        });
        await host.ShouldStillServeAsync();
    }

    [Fact]
    public async Task Hostile_tokens_are_refused_without_a_server_error()
    {
        using var client = host.App.CreateClient((string?)null);
        await Fuzz.CheckAsync("API Authorization header", 60, Token.Zip(Gen.Elements(Root, $"{Root}/validate")), async input =>
        {
            var header = new string([.. Fuzz.ToWellFormed(input.Item1).Where(c => c is not ('\r' or '\n' or '\0'))]);
            var request = new HttpRequestMessage(input.Item2 == Root ? HttpMethod.Get : HttpMethod.Post, input.Item2)
            {
                Content = input.Item2 == Root ? null : FuzzHost.Json("{}"u8.ToArray()),
            };
            request.Headers.TryAddWithoutValidation("Authorization", header);
            var (status, _) = await FuzzHost.SendAsync(client, request, header);
            status.Should().Be(401, header);
        });
    }

    /// <summary>A subscriber to aim updates at; a fresh one after a fuzzed DELETE removed the last.</summary>
    private async Task<string> ProvisionAsync(HttpClient client)
    {
        var body = new JsonObject
        {
            ["provisioningId"] = host.Partner.Template.ProvisioningId,
            ["userId"] = $"target.{Guid.NewGuid():N}@warszawa.sp.example",
            ["spEnterpriseId"] = "sp-warszawa",
            ["firstName"] = "Anna",
            ["lastName"] = "Zielińska",
            ["package"] = "standard",
            ["extension"] = "104",
            ["email"] = $"anna.{Guid.NewGuid():N}@example.com",
        };
        using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
        using var response = await client.PostAsync(new Uri(Root, UriKind.Relative), content, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        ((int)response.StatusCode).Should().BeLessThan(300, text);
        return JsonNode.Parse(text)!["id"]!.GetValue<string>();
    }
}
