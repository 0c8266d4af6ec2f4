using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Flowthrough.Subscribers;

namespace Flowthrough.Tests.Subscribers;

public sealed class SubscribersListTests : IAsyncLifetime
{
    private const string Path = "/v1/broadworks/subscribers";
    private static readonly DateTime Start = new(2026, 11, 1, 8, 0, 0, DateTimeKind.Utc);
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

    private async Task<List<Subscriber>> SeedAsync(TestPartner owner, int count, Func<int, Subscriber>? make = null)
    {
        await using var db = app.CreateDbContext();
        var subscribers = Enumerable.Range(0, count).Select(i => make?.Invoke(i) ?? Make(owner, $"user{i:D4}", Start.AddMinutes(i)))
            .ToList();
        db.Subscribers.AddRange(subscribers);
        await db.SaveChangesAsync();
        return subscribers;
    }

    private static Subscriber Make(TestPartner owner, string userId, DateTime created, string? email = null,
        bool trusted = false, SubscriberSource source = SubscriberSource.Api, string enterprise = "sp+g1") =>
        Subscriber.Intake(new Subscriber.IntakeDetails(owner.Partner.Id, owner.Template.Id, owner.Template.ProvisioningId,
            userId, enterprise, "Jan", "Kowalski", SubscriberPackage.Basic, email, trusted, "100", null, null, null, null,
            source), Actors.Api, created);

    private async Task<List<string>> UserIdsAsync(string query)
    {
        var response = await client.GetAsync($"{Path}?{query}");
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        return [.. body["items"]!.AsArray().Select(i => i!["userId"]!.GetValue<string>())];
    }

    [Fact]
    public async Task Filters_narrow_the_list_and_combine()
    {
        await SeedAsync(partner, 0);
        await using (var db = app.CreateDbContext())
        {
            db.Subscribers.AddRange(
                Make(partner, "a", Start, "Ala@Example.com", trusted: true),
                Make(partner, "b", Start.AddHours(1), enterprise: "sp+g2"),
                Make(partner, "c", Start.AddHours(2), source: SubscriberSource.SelfActivation),
                Make(partner, "d", Start.AddHours(3), "dora@example.com", trusted: true, enterprise: "sp+g2"));
            await db.SaveChangesAsync();
        }

        (await UserIdsAsync("userId=b")).Should().Equal("b");
        (await UserIdsAsync("email=ala@EXAMPLE.com")).Should().Equal("a");
        (await UserIdsAsync("spEnterpriseId=sp%2Bg2")).Should().Equal("b", "d");
        (await UserIdsAsync("status=provisioning")).Should().Equal("a", "d");
        (await UserIdsAsync("status=pending_email_input,provisioning&spEnterpriseId=sp%2Bg2")).Should().Equal("b", "d");
        (await UserIdsAsync("selfActivated=true")).Should().Equal("c");
        (await UserIdsAsync($"provisioningId={partner.Template.ProvisioningId}")).Should().HaveCount(4);
        (await UserIdsAsync("provisioningId=other")).Should().BeEmpty();
        var epochMs = new DateTimeOffset(Start.AddMinutes(90)).ToUnixTimeMilliseconds();
        (await UserIdsAsync($"after={epochMs}")).Should().Equal("c", "d");
        (await UserIdsAsync("lastStatusChange=2026-11-01T10:30:00Z")).Should().Equal("d");
        (await UserIdsAsync("max=2")).Should().Equal("a", "b");
    }

    [Theory]
    [InlineData("status=done", "status")]
    [InlineData("max=0", "max")]
    [InlineData("max=101", "max")]
    [InlineData("max=ten", "max")]
    [InlineData("lastStatusChange=yesterday", "lastStatusChange")]
    [InlineData("after=2026-13-45", "after")]
    [InlineData("selfActivated=maybe", "selfActivated")]
    [InlineData("personId=abc", "personId")]
    [InlineData("cursor=-4", "cursor")]
    public async Task Invalid_filter_is_400_naming_it(string query, string field)
    {
        var response = await client.GetAsync($"{Path}?{query}");

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        problem["errorCode"]!.GetValue<int>().Should().Be(1003);
        problem["fieldName"]!.GetValue<string>().Should().Be(field);
    }

    [Fact]
    public async Task The_list_shows_only_the_callers_partner()
    {
        var other = await app.CreatePartnerAsync();
        await SeedAsync(other, 3);
        await SeedAsync(partner, 2);

        (await UserIdsAsync("")).Should().HaveCount(2);
        (await UserIdsAsync("userId=user0002")).Should().BeEmpty();
    }

    [Fact]
    public async Task Walking_all_pages_returns_each_subscriber_exactly_once_while_inserts_happen()
    {
        var original = await SeedAsync(partner, 250);
        var seen = new List<string>();
        var url = $"{Path}?max=40&status=pending_email_input";
        var pages = 0;
        var inserted = 0;
        while (url is not null)
        {
            var response = await client.GetAsync(url);
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
            seen.AddRange(body["items"]!.AsArray().Select(i => i!["userId"]!.GetValue<string>()));
            pages++;

            // New subscribers arrive between pages, as they do under live intake.
            await using (var db = app.CreateDbContext())
            {
                db.Subscribers.Add(Make(partner, $"late{inserted++}", DateTime.UtcNow));
                await db.SaveChangesAsync();
            }

            url = response.Headers.TryGetValues("Link", out var links)
                ? links.Single().Split(';')[0].Trim('<', '>', ' ')
                : null;
            if (url is not null)
            {
                url.Should().Contain("status=pending_email_input").And.Contain("max=40");
            }

            pages.Should().BeLessThan(50, "paging must end");
        }

        var originalIds = original.Select(s => s.UserId).ToList();
        seen.Where(originalIds.Contains).Should().OnlyHaveUniqueItems().And.HaveCount(250);
        seen.Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public async Task The_last_page_has_no_next_link()
    {
        await SeedAsync(partner, 3);

        var response = await client.GetAsync($"{Path}?max=3");

        response.Headers.Contains("Link").Should().BeFalse();
    }
}
