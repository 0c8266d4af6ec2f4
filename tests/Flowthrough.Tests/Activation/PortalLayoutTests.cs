using System.Net.Http.Headers;

namespace Flowthrough.Tests.Activation;

public sealed class PortalLayoutTests
{
    [Fact]
    public async Task The_stylesheet_the_pages_link_is_served_whole_to_a_browser_that_accepts_compression()
    {
        await using var app = await FlowthroughApplication.CreateAsync();
        var partner = await app.CreatePartnerAsync();
        var client = app.CreateClient();
        var page = await client.GetStringAsync($"/activate/{partner.Template.ActivationSlug}");
        var href = System.Text.RegularExpressions.Regex.Match(page, "href=\"(/css/portal.css[^\"]*)\"").Groups[1].Value;

        using var request = new HttpRequestMessage(HttpMethod.Get, href);
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("br"));
        var response = await client.SendAsync(request);

        response.EnsureSuccessStatusCode();
        (await response.Content.ReadAsStringAsync()).Should().Contain(".card");
    }
}
