using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Flowthrough.Email;
using Flowthrough.Provisioning;
using Flowthrough.Subscribers;
using Flowthrough.Templates;
using Flowthrough.Tests.Activation;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.Tests.Subscribers;

/// <summary>
/// Fifty identical calls at once at every entry point, with the engine working at the same time: no 500, exactly one
/// subscriber, and every caller gets the answer a repeat of the call gets. Runs on SQLite and PostgreSQL.
/// </summary>
public sealed class ConcurrentCallsTests : IAsyncLifetime
{
    private const int Callers = 50;
    private const string Path = "/v1/broadworks/subscribers";
    private const string Account = "bwprov";
    private const string Password = "Race-Prov-2026!";
    private FlowthroughApplication app = null!;
    private TestPartner partner = null!;

    public async ValueTask InitializeAsync()
    {
        // Two engine loops polling fast, so that every call races a claim, a lease release and a counter update.
        app = await FlowthroughApplication.CreateAsync(new Dictionary<string, string?>
        {
            ["Engine:Workers"] = "2",
            ["Engine:PollInterval"] = "00:00:00.010",
            ["Engine:BatchSize"] = "10",
        });
        partner = await app.CreatePartnerAsync(t =>
        {
            t.EmailTrust = EmailTrust.Trusted;
            t.ProvisioningAccountName = Account;
            t.ProvisioningPasswordHash = new PasswordHasher<OnboardingTemplate>().HashPassword(t, Password);
        });
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();

    /// <summary>Starts every call at the same moment and returns the answers.</summary>
    private static async Task<HttpResponseMessage[]> RaceAsync(Func<int, Task<HttpResponseMessage>> call)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = Enumerable.Range(0, Callers).Select(async i =>
        {
            await start.Task;
            return await call(i);
        }).ToList();
        start.SetResult();
        var responses = await Task.WhenAll(calls);
        foreach (var response in responses)
        {
            ((int)response.StatusCode).Should().BeLessThan(500, await response.Content.ReadAsStringAsync());
        }

        return responses;
    }

    private HttpClient Bridge()
    {
        var client = app.CreateClient((string?)null);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Account}:{Password}")));
        return client;
    }

    private static object BridgeUser(string userId, bool active = true) => new
    {
        userId,
        serviceProviderId = "sp-warszawa",
        groupId = "mokotow",
        firstName = "Zofia",
        lastName = "Żak",
        email = "zofia@firma.example",
        primaryPhoneNumber = "+48225550101",
        isActive = active,
    };

    private Dictionary<string, object?> ApiBody(string userId) => new()
    {
        ["provisioningId"] = partner.Template.ProvisioningId,
        ["userId"] = userId,
        ["spEnterpriseId"] = "sp1+group1",
        ["firstName"] = "Anna",
        ["lastName"] = "Nowak",
        ["package"] = "standard",
        ["email"] = $"{userId.Split('@')[0]}@firma.example",
        ["extension"] = "1001",
    };

    private async Task<int> CountAsync(string userId)
    {
        await using var db = app.CreateDbContext();
        return await db.Subscribers.CountAsync(s => s.UserId == userId);
    }

    private static async Task<JsonObject> JsonAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();

    [Fact]
    public async Task Bridge_single_calls_all_get_202_for_one_subscriber()
    {
        var client = Bridge();
        var url = $"/bridge/{partner.Template.ProvisioningId}/users";

        var responses = await RaceAsync(_ => client.PostAsJsonAsync(url, BridgeUser("zofia@sp.example")));

        responses.Should().OnlyContain(r => r.StatusCode == HttpStatusCode.Accepted);
        var ids = await Task.WhenAll(responses.Select(async r => (await JsonAsync(r))["id"]!.GetValue<string>()));
        ids.Distinct().Should().ContainSingle();
        (await CountAsync("zofia@sp.example")).Should().Be(1);

        // Switching off at once from many callers: each gets the repeat's 202 "deleted", and the user is gone.
        var off = await RaceAsync(_ => client.PostAsJsonAsync(url, BridgeUser("zofia@sp.example", active: false)));
        off.Should().OnlyContain(r => r.StatusCode == HttpStatusCode.Accepted);
        (await CountAsync("zofia@sp.example")).Should().Be(0);
    }

    [Fact]
    public async Task Bridge_batches_all_accept_every_item_once()
    {
        var client = Bridge();
        var url = $"/bridge/{partner.Template.ProvisioningId}/users:batch";
        var items = new { items = new[] { BridgeUser("a@sp.example"), BridgeUser("b@sp.example") } };

        var responses = await RaceAsync(_ => client.PostAsJsonAsync(url, items));

        foreach (var response in responses)
        {
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            var body = await JsonAsync(response);
            body["accepted"]!.GetValue<int>().Should().Be(2, body.ToJsonString());
        }

        (await CountAsync("a@sp.example")).Should().Be(1);
        (await CountAsync("b@sp.example")).Should().Be(1);
    }

    [Fact]
    public async Task Api_posts_with_one_idempotency_key_all_get_the_same_answer()
    {
        var client = partner.Client();
        var body = ApiBody("anna@sp.example");

        var responses = await RaceAsync(_ =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, Path) { Content = JsonContent.Create(body) };
            request.Headers.Add("Idempotency-Key", "race-key-1");
            return client.SendAsync(request);
        });

        responses.Should().OnlyContain(r => r.StatusCode == HttpStatusCode.OK);
        var answers = await Task.WhenAll(responses.Select(async r => (await JsonAsync(r))["id"]!.GetValue<string>()));
        answers.Distinct().Should().ContainSingle();
        (await CountAsync("anna@sp.example")).Should().Be(1);
    }

    [Fact]
    public async Task Api_posts_without_a_key_create_one_subscriber_and_the_rest_get_10022()
    {
        var client = partner.Client();
        var body = ApiBody("jan@sp.example");

        var responses = await RaceAsync(_ => client.PostAsJsonAsync(Path, body));

        responses.Count(r => r.StatusCode == HttpStatusCode.OK).Should().Be(1);
        foreach (var conflict in responses.Where(r => r.StatusCode != HttpStatusCode.OK))
        {
            conflict.StatusCode.Should().Be(HttpStatusCode.Conflict);
            (await JsonAsync(conflict))["errorCode"]!.GetValue<int>().Should().Be(10022);
        }

        (await CountAsync("jan@sp.example")).Should().Be(1);
    }

    [Fact]
    public async Task Api_puts_racing_the_engine_all_answer_200()
    {
        var client = partner.Client();
        var created = await client.PostAsJsonAsync(Path, ApiBody("ewa@sp.example"));
        var id = (await JsonAsync(created))["id"]!.GetValue<string>();

        var responses = await RaceAsync(i => client.PutAsJsonAsync($"{Path}/{id}",
            new { firstName = "Ewa", lastName = "Nowak-Kowalska", mobilePhoneNumber = "+48600100200" }));

        responses.Should().OnlyContain(r => r.StatusCode == HttpStatusCode.OK);
        await using var db = app.CreateDbContext();
        var subscriber = await db.Subscribers.SingleAsync(s => s.UserId == "ewa@sp.example");
        subscriber.LastName.Should().Be("Nowak-Kowalska");
        (await db.SubscriberEvents.CountAsync(e => e.SubscriberId == subscriber.Id && e.Kind == "details_changed"))
            .Should().Be(1, "identical PUTs after the first change nothing");
    }

    [Fact]
    public async Task Api_deletes_racing_the_engine_remove_once_and_the_rest_get_404()
    {
        var client = partner.Client();
        var created = await client.PostAsJsonAsync(Path, ApiBody("olga@sp.example"));
        var id = (await JsonAsync(created))["id"]!.GetValue<string>();

        var responses = await RaceAsync(_ => client.DeleteAsync($"{Path}/{id}"));

        responses.Count(r => r.StatusCode == HttpStatusCode.NoContent).Should().Be(1);
        responses.Where(r => r.StatusCode != HttpStatusCode.NoContent)
            .Should().OnlyContain(r => r.StatusCode == HttpStatusCode.NotFound);
        (await CountAsync("olga@sp.example")).Should().Be(0);
    }

    [Fact]
    public async Task A_hundred_provision_then_rename_at_once_while_the_engine_runs_all_answer_200()
    {
        var client = partner.Client();
        var renames = new List<Task<HttpResponseMessage>>();
        for (var i = 0; i < 100; i++)
        {
            var created = await client.PostAsJsonAsync(Path, ApiBody($"user{i:D3}@sp.example"));
            created.StatusCode.Should().Be(HttpStatusCode.OK);
            var id = (await JsonAsync(created))["id"]!.GetValue<string>();
            renames.Add(client.PutAsJsonAsync($"{Path}/{id}", new { firstName = $"Renamed{i}" }));
        }

        foreach (var rename in await Task.WhenAll(renames))
        {
            rename.StatusCode.Should().Be(HttpStatusCode.OK, await rename.Content.ReadAsStringAsync());
        }

        await Eventually.HoldsAsync(async () =>
        {
            await using var db = app.CreateDbContext();
            return await db.Subscribers.CountAsync(s => s.PartnerId == partner.Partner.Id
                && s.Status == SubscriberStatus.Provisioned && s.FirstName.StartsWith("Renamed")) == 100;
        }, "every renamed subscriber ends provisioned under its new name");
    }

    [Fact]
    public async Task Portal_email_submits_at_once_mail_one_code_and_the_rest_meet_the_cooldown()
    {
        await using var portal = await PortalFixture.StartAsync();
        var untrusted = await portal.TemplateAsync();
        var subscriber = await portal.SendFromBroadWorksAsync(untrusted, PortalFixture.Lukasz);
        var browser = portal.Browser();
        await PortalFixture.SignInAsync(browser, untrusted, PortalFixture.Lukasz, PortalFixture.LukaszPassword);
        var form = browser.Document.QuerySelector<IHtmlFormElement>("form[action*='handler=Email']")!;
        var action = new Uri(new Uri(browser.Document.Url), form.GetAttribute("action")!).PathAndQuery;
        var token = form.QuerySelector<IHtmlInputElement>("input[name=__RequestVerificationToken]")!.Value;

        var responses = await RaceAsync(_ => browser.Client.PostAsync(action, new FormUrlEncodedContent(
            new Dictionary<string, string> { ["Email"] = "lukasz@firma.example", ["__RequestVerificationToken"] = token })));

        responses.Should().OnlyContain(r => r.StatusCode == HttpStatusCode.OK || r.StatusCode == HttpStatusCode.TooManyRequests);
        await using var db = portal.App.CreateDbContext();
        (await db.Subscribers.CountAsync(s => s.UserId == PortalFixture.Lukasz)).Should().Be(1);
        (await db.Outbox.CountAsync(m => m.SubscriberId == subscriber.Id && m.Kind == EmailKind.Verification))
            .Should().Be(1, "one code is mailed; every other submission is a repeat inside the cooldown");
        (await db.EmailVerifications.CountAsync(v => v.SubscriberId == subscriber.Id && v.ExpiresAt > DateTime.UtcNow))
            .Should().Be(1, "the code that was mailed still works");
        (await db.Subscribers.SingleAsync(s => s.Id == subscriber.Id)).Status.Should().Be(SubscriberStatus.PendingEmailValidation);
    }
}
