using System.Net.Http.Headers;
using System.Text;
using Flowthrough.Templates;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.Tests.Fuzz;

/// <summary>
/// One in-memory app per fuzz class (a class fixture), with a partner whose template takes bridge calls. Lockouts
/// are raised out of reach so that thousands of inputs keep reaching the code under test instead of a 429.
/// </summary>
public sealed class FuzzHost : IAsyncLifetime
{
    public const string Account = "bwprov";
    public const string Password = "Prov-Fuzz-Secret-1";

    public FlowthroughApplication App { get; private set; } = null!;

    public TestPartner Partner { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        App = await FlowthroughApplication.CreateAsync(new Dictionary<string, string?>
        {
            ["LoginThrottle:FailureDelay"] = "00:00:00",
            ["LoginThrottle:MaxFailures"] = "1000",
        });
        Partner = await App.CreatePartnerAsync(ConfigureTemplate);
    }

    public static void ConfigureTemplate(OnboardingTemplate template)
    {
        ArgumentNullException.ThrowIfNull(template);
        template.ProvisioningAccountName = Account;
        template.ProvisioningPasswordHash = new PasswordHasher<OnboardingTemplate>().HashPassword(template, Password);
    }

    public async ValueTask DisposeAsync() => await App.DisposeAsync();

    /// <summary>A client with the template's provisioning account.</summary>
    public HttpClient Bridge()
    {
        var client = App.CreateClient((string?)null);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Account}:{Password}")));
        return client;
    }

    /// <summary>Rows a write could leave behind: subscribers, their events, outbox mail, organisations, people, idempotency records.</summary>
    public async Task<string> RowsAsync()
    {
        await using var db = App.CreateDbContext();
        var ct = TestContext.Current.CancellationToken;
        return $"subscribers {await db.Subscribers.CountAsync(ct)}, events {await db.SubscriberEvents.CountAsync(ct)}, " +
               $"outbox {await db.Outbox.CountAsync(ct)}, organisations {await db.Organizations.CountAsync(ct)}, " +
               $"people {await db.People.CountAsync(ct)}, idempotency {await db.IdempotencyRecords.CountAsync(ct)}";
    }

    public async Task<int> SubscriberCountAsync()
    {
        await using var db = App.CreateDbContext();
        return await db.Subscribers.CountAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>Still serving after the run: a crashed or wedged process would not answer.</summary>
    public async Task ShouldStillServeAsync()
    {
        using var client = App.CreateClient((string?)null);
        using var response = await client.GetAsync(new Uri("/healthz", UriKind.Relative), TestContext.Current.CancellationToken);
        ((int)response.StatusCode).Should().Be(200);
    }

    /// <summary>Sends, and fails on a 5xx with the request shown.</summary>
    public static async Task<(int Status, string Body)> SendAsync(HttpClient client, HttpRequestMessage request, string shown)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(request);
        using (request)
        {
            using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
            var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            var status = (int)response.StatusCode;
            status.Should().BeLessThan(500, $"{request.Method} {request.RequestUri} with {shown} must not fail the server: {body}");
            return (status, body);
        }
    }

    public static ByteArrayContent Json(byte[] body, string contentType = "application/json")
    {
        var content = new ByteArrayContent(body);
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return content;
    }
}
