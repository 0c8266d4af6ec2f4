using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Flowthrough.Tests.Security;

/// <summary>
/// Every mutating Razor page handler (enumerated from the endpoint data source) refuses a signed-in POST without an
/// antiforgery token with 400, and every mutating API endpoint refuses the Partner Hub cookie (401): the API takes
/// only its bearer token, which a browser never sends by itself.
/// </summary>
public sealed partial class CsrfTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Every_mutating_form_needs_its_antiforgery_token_and_the_api_ignores_cookies()
    {
        await using var app = await FlowthroughApplication.CreateAsync(new Dictionary<string, string?> { ["LoginThrottle:FailureDelay"] = "00:00:00" });
        var own = await TwoPartners.SeedAsync(app, "csrf");
        var (cases, _) = await RouteCatalog.EnumerateAsync(app.Services);
        var client = await TwoPartners.SignedInClientAsync(app, own);
        var before = await TwoPartners.RowsMentioningAsync(app, own.Guids);
        var problems = new List<string>();
        var (forms, apis) = (0, 0);
        foreach (var route in cases.Where(c => c.IsMutating))
        {
            // The caller's own IDs: a refusal here is the missing token's, not a 404.
            var path = RouteParameter().Replace(route.Pattern, m => Uri.EscapeDataString(Fill(route.Pattern, m.Groups["name"].Value, own)));
            var url = path + (route.Handler is null ? "" : $"?handler={route.Handler}");
            using var request = new HttpRequestMessage(new HttpMethod(route.Method), url);
            if (route.IsPage)
            {
                forms++;
                request.Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["Email"] = "x@example.com" });
                using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
                // The development pages are not there at all unless Dev:Mailbox is on (404 before any handler).
                var allowed = route.Pattern.StartsWith("/dev/", StringComparison.Ordinal) ? HttpStatusCode.NotFound : HttpStatusCode.BadRequest;
                if (response.StatusCode != allowed)
                {
                    problems.Add($"{route.Name} without a token answered {(int)response.StatusCode}, not {(int)allowed}");
                }
            }
            else
            {
                apis++;
                request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
                using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
                if (response.StatusCode != HttpStatusCode.Unauthorized)
                {
                    problems.Add($"{route.Name} with only the Partner Hub and portal cookies answered {(int)response.StatusCode}, not 401");
                }
            }
        }

        output.WriteLine($"{forms} mutating page handlers and {apis} mutating API endpoints tried without a token.");
        problems.Should().BeEmpty();
        (await TwoPartners.RowsMentioningAsync(app, own.Guids)).Should().Equal(before, "nothing changed");
        forms.Should().BeGreaterThan(20);
    }

    private static string Fill(string pattern, string name, PartnerIds ids) =>
        IsolationRules.IdFor(pattern, name, ids)
        ?? (name.Equals("slug", StringComparison.OrdinalIgnoreCase) ? ids.Slug : IsolationRules.NotIds[name].Value);

    [GeneratedRegex(@"\{\*{0,2}(?<name>[^}:?=]+)[^}]*\}")]
    private static partial Regex RouteParameter();
}
