using System.Net;
using System.Net.Http.Headers;
using Flowthrough.Partners;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.Tests.PartnerHub.Tokens;

/// <summary>API tokens: the secret is shown once and works against the REST API until revoked.</summary>
public sealed class TokensTests : IAsyncLifetime
{
    private HubFixture hub = null!;

    public async ValueTask InitializeAsync() => hub = await HubFixture.StartAsync();

    public async ValueTask DisposeAsync() => await hub.DisposeAsync();

    private async Task<PortalBrowser> OpenTokensAsync(string language = "en")
    {
        var browser = await hub.SignInAsync(language: language);
        await browser.OpenAsync("/partner/settings");
        await browser.OpenAsync(browser.Document.QuerySelector("a[href='/partner/tokens']")!.GetAttribute("href")!);
        browser.Status.Should().Be(HttpStatusCode.OK);
        return browser;
    }

    private async Task<HttpStatusCode> ListSubscribersAsync(string secret)
    {
        using var client = hub.App.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/broadworks/subscribers");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    [Fact]
    public async Task A_new_token_is_shown_once_works_against_the_api_and_stops_working_when_revoked()
    {
        var browser = await OpenTokensAsync();
        browser.Tick("Input.Scopes", value: ApiToken.ReadScope);
        browser.Tick("Input.Scopes", value: ApiToken.WriteScope);

        await browser.SubmitAsync("#create-token-form", new Dictionary<string, string> { ["Input.Name"] = "CRM sync" });

        browser.Path.Should().Be("/partner/tokens");
        browser.StatusMessage().Should().Be("Token “CRM sync” created.");
        browser.LastResponse!.Headers.CacheControl!.NoStore.Should().BeTrue();
        var secret = browser.Document.QuerySelector("#token-secret")!.TextContent;
        secret.Should().StartWith("ft_");
        browser.Document.QuerySelector("button[data-copy='#token-secret']").Should().NotBeNull();
        browser.Document.QuerySelector("script[src^='/js/hub.js']")!.GetAttribute("data-copied").Should().Be("Copied");
        (await ListSubscribersAsync(secret)).Should().Be(HttpStatusCode.OK);

        await using var db = hub.App.CreateDbContext();
        var token = await db.ApiTokens.AsNoTracking().SingleAsync(t => t.Name == "CRM sync");
        token.PartnerId.Should().Be(hub.Partner.Partner.Id);
        token.ScopeList.Should().BeEquivalentTo(ApiToken.KnownScopes);
        token.ExpiresAt.Should().BeNull();
        token.TokenHash.Should().Be(ApiToken.Hash(secret));

        // Shown once: a reload no longer has it, and the list shows the token without it.
        await browser.OpenAsync("/partner/tokens");
        browser.Document.QuerySelector("#token-secret").Should().BeNull();
        browser.Html().Should().NotContain(secret);
        var row = browser.Document.QuerySelector($"tr[data-token='{token.Id}']")!;
        row.TextContent.Should().Contain("CRM sync").And.Contain("Read subscribers").And.Contain("Manage subscribers").And.Contain("Never");

        await browser.SubmitAsync($"tr[data-token='{token.Id}'] form.revoke-form");
        browser.StatusMessage().Should().Be("Token “CRM sync” revoked.");
        (await ListSubscribersAsync(secret)).Should().Be(HttpStatusCode.Unauthorized);
        browser.Document.QuerySelector($"tr[data-token='{token.Id}'] td.revoked")!.TextContent.Should().NotBeEmpty();
        browser.Document.QuerySelector($"tr[data-token='{token.Id}'] form.revoke-form").Should().BeNull();

        var audits = await db.AdminAuditEvents.AsNoTracking().Where(a => a.Target == token.Id.ToString()).ToListAsync();
        audits.Select(a => a.Action).Should().BeEquivalentTo(["token.create", "token.revoke"]);
        audits.Should().OnlyContain(a => !a.Data!.Contains(secret) && !a.Data.Contains(token.TokenHash));
    }

    [Fact]
    public async Task A_read_only_token_with_an_expiry_is_created_as_asked()
    {
        var browser = await OpenTokensAsync();
        browser.Tick("Input.Scopes", value: ApiToken.ReadScope);
        browser.Tick("Input.Scopes", on: false, value: ApiToken.WriteScope);
        var before = DateTime.UtcNow;

        await browser.SubmitAsync("#create-token-form", new Dictionary<string, string>
        {
            ["Input.Name"] = "Reporting",
            ["Input.ExpiryDays"] = "30",
        });

        var secret = browser.Document.QuerySelector("#token-secret")!.TextContent;
        await using var db = hub.App.CreateDbContext();
        var token = await db.ApiTokens.AsNoTracking().SingleAsync(t => t.Name == "Reporting");
        token.ScopeList.Should().Equal(ApiToken.ReadScope);
        token.ExpiresAt.Should().BeCloseTo(before.AddDays(30), TimeSpan.FromMinutes(1));
        (await ListSubscribersAsync(secret)).Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Missing_name_no_scope_and_a_bad_expiry_are_refused_in_english_and_polish()
    {
        var browser = await OpenTokensAsync();
        browser.Tick("Input.Scopes", on: false, value: ApiToken.ReadScope);

        await browser.SubmitAsync("#create-token-form", new Dictionary<string, string> { ["Input.Name"] = "", ["Input.ExpiryDays"] = "abc" });

        browser.MessageFor("Input.Name").Should().Be("Enter a name.");
        browser.MessageFor("Input.Scopes").Should().Be("Choose at least one scope.");
        browser.MessageFor("Input.ExpiryDays").Should().Be("Enter a whole number of days from 1 to 3650, or leave the field empty.");
        browser.ValueOf("Input.ExpiryDays").Should().Be("abc");
        browser.Document.QuerySelector("#token-secret").Should().BeNull();

        var polish = await OpenTokensAsync("pl");
        await polish.SubmitAsync("#create-token-form", new Dictionary<string, string> { ["Input.Name"] = "x", ["Input.ExpiryDays"] = "0" });
        polish.MessageFor("Input.ExpiryDays").Should().Be("Wpisz liczbę całkowitą dni od 1 do 3650 albo pozostaw pole puste.");

        await using var db = hub.App.CreateDbContext();
        (await db.ApiTokens.CountAsync(t => t.PartnerId == hub.Partner.Partner.Id)).Should().Be(3);
    }

    [Fact]
    public async Task A_read_only_admin_cannot_create_or_revoke()
    {
        var browser = await hub.SignInAsync(hub.ReadOnlyAdmin);
        await browser.OpenAsync("/partner/tokens");

        await browser.SubmitAsync("#create-token-form", new Dictionary<string, string> { ["Input.Name"] = "Nope" });
        browser.Status.Should().Be(HttpStatusCode.Forbidden);

        await browser.OpenAsync("/partner/tokens");
        await browser.SubmitAsync("form.revoke-form");
        browser.Status.Should().Be(HttpStatusCode.Forbidden);

        await using var db = hub.App.CreateDbContext();
        (await db.ApiTokens.AnyAsync(t => t.PartnerId == hub.Partner.Partner.Id && (t.RevokedAt != null || t.Name == "Nope"))).Should().BeFalse();
        (await ListSubscribersAsync(hub.Partner.Token)).Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Another_partners_token_cannot_be_revoked_or_seen()
    {
        var other = await hub.App.CreatePartnerAsync();
        await using var db = hub.App.CreateDbContext();
        var otherToken = await db.ApiTokens.AsNoTracking().FirstAsync(t => t.PartnerId == other.Partner.Id);
        var browser = await OpenTokensAsync();
        browser.Html().Should().NotContain(otherToken.Id.ToString());

        var form = browser.Document.QuerySelector("form.revoke-form")!;
        await browser.SubmitAsync("form.revoke-form", new Dictionary<string, string> { ["id"] = otherToken.Id.ToString() });

        browser.Status.Should().Be(HttpStatusCode.NotFound);
        form.Should().NotBeNull();
        (await db.ApiTokens.AsNoTracking().SingleAsync(t => t.Id == otherToken.Id)).RevokedAt.Should().BeNull();
        (await ListSubscribersAsync(other.Token)).Should().Be(HttpStatusCode.OK);
    }
}
