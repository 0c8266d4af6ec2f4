using System.Net;
using AngleSharp.Html.Parser;
using Flowthrough.Tests.PartnerHub;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Flowthrough.Tests.Security;

/// <summary>
/// The redirects that take a URL from the request (Partner Hub sign-in's returnUrl, the language switch) stay on
/// this site: absolute, protocol-relative and backslash URLs send the browser to a local page instead.
/// </summary>
public sealed class OpenRedirectTests
{
    public static readonly TheoryData<string> Elsewhere =
    [
        "https://evil.example/",
        "http:evil.example",
        "//evil.example/",
        "///evil.example/",
        "/\\evil.example",
        "\\\\evil.example",
        "\\/evil.example",
        "/%5Cevil.example",
        "%2F%2Fevil.example",
        " //evil.example",
        "\t//evil.example",
        "/\t/evil.example",
        "/\r\n/evil.example",
        "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
    ];

    [Theory]
    [MemberData(nameof(Elsewhere))]
    public async Task The_language_switch_never_leaves_the_site(string returnUrl)
    {
        await using var app = await FlowthroughApplication.CreateAsync();
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        foreach (var path in new[] { "/language", "/activate/language" })
        {
            using var response = await client.GetAsync($"{path}?culture=pl&returnUrl={Uri.EscapeDataString(returnUrl)}",
                TestContext.Current.CancellationToken);
            response.StatusCode.Should().Be(HttpStatusCode.Redirect);
            ShouldBeLocal(response.Headers.Location!.OriginalString);
        }
    }

    /// <summary>A path on this site: one leading slash, no second slash or backslash, no control character a browser drops.</summary>
    private static void ShouldBeLocal(string location)
    {
        location.Should().StartWith("/");
        if (location.Length > 1)
        {
            location[1].Should().NotBe('/').And.NotBe('\\');
        }

        location.Should().NotContainAny("\t", "\r", "\n", "evil.example/");
    }

    [Theory]
    [MemberData(nameof(Elsewhere))]
    public async Task Partner_Hub_sign_in_never_returns_to_another_site(string returnUrl)
    {
        await using var hub = await HubFixture.StartAsync();
        var client = hub.App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var page = $"/partner/signin?returnUrl={Uri.EscapeDataString(returnUrl)}";
        var html = await client.GetStringAsync(page, TestContext.Current.CancellationToken);
        var form = new HtmlParser().ParseDocument(html).QuerySelector("main form")!;
        var token = form.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        var action = form.GetAttribute("action") is { Length: > 0 } own ? own : page;

        using var response = await client.PostAsync(action.Contains("returnUrl", StringComparison.Ordinal) ? action : page,
            new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["Email"] = hub.Admin.Email,
                ["Password"] = HubFixture.Password,
                ["__RequestVerificationToken"] = token,
            }), TestContext.Current.CancellationToken);

        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        ShouldBeLocal(response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Partner_Hub_sign_in_returns_to_a_local_page()
    {
        await using var hub = await HubFixture.StartAsync();
        var client = hub.App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        const string page = "/partner/signin?returnUrl=%2Fpartner%2Ftokens";
        var html = await client.GetStringAsync(page, TestContext.Current.CancellationToken);
        var token = new HtmlParser().ParseDocument(html).QuerySelector("main form input[name=__RequestVerificationToken]")!.GetAttribute("value")!;

        using var response = await client.PostAsync(page, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Email"] = hub.Admin.Email,
            ["Password"] = HubFixture.Password,
            ["__RequestVerificationToken"] = token,
        }), TestContext.Current.CancellationToken);

        response.Headers.Location!.ToString().Should().Be("/partner/tokens");
    }
}
