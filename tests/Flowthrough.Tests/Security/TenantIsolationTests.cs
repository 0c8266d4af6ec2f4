using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using AngleSharp.Html.Parser;

namespace Flowthrough.Tests.Security;

/// <summary>
/// Partner B, signed in (admin cookie, portal cookie, API token, bridge account), sends partner A's IDs to every route
/// the app serves, enumerated from its endpoint data source: see <see cref="IsolationRules"/> for the answers allowed.
/// </summary>
public sealed partial class TenantIsolationTests(ITestOutputHelper output)
{
    private sealed record Variant(string Path, IReadOnlyList<KeyValuePair<string, string>> Fields, bool IdInRoute, bool AllA, bool HasIds);

    /// <summary>REST API requests whose IDs travel in the query or the body, and the answers allowed.</summary>
    private static readonly Dictionary<string, (Func<PartnerIds, string> Query, Func<PartnerIds, string>? Body, int[] Allowed)> ApiRequests = new()
    {
        ["GET /v1/broadworks/subscribers"] = (a => $"?userId={Uri.EscapeDataString(a.UserId)}&provisioningId={a.ProvisioningId}", null, [200]),
        ["POST /v1/broadworks/subscribers"] = (_ => "", a => $$"""
            {"provisioningId":"{{a.ProvisioningId}}","userId":"intruder@sp.example","spEnterpriseId":"sp+g1",
             "firstName":"In","lastName":"Truder","package":"standard","email":"intruder@example.com"}
            """, [400, 404, 409]),
        ["POST /v1/broadworks/subscribers/validate"] = (_ => "", a => $$"""
            {"provisioningId":"{{a.ProvisioningId}}","userId":"{{a.UserId}}","spEnterpriseId":"sp+g1",
             "firstName":"In","lastName":"Truder","package":"standard","email":"intruder@example.com"}
            """, [400, 404, 409]),
        ["PUT /v1/broadworks/subscribers/{subscriberId}"] = (_ => "", _ => """{"firstName":"Changed"}""", [404]),
    };

    [Fact]
    public async Task Another_partners_ids_are_not_found_on_every_route()
    {
        await using var app = await FlowthroughApplication.CreateAsync(new Dictionary<string, string?>
        {
            ["LoginThrottle:FailureDelay"] = "00:00:00",
            ["LoginThrottle:MaxFailures"] = "1000",
        });
        var a = await TwoPartners.SeedAsync(app, "alpha");
        var b = await TwoPartners.SeedAsync(app, "bravo");
        var (cases, endpoints) = await RouteCatalog.EnumerateAsync(app.Services);
        var client = await TwoPartners.SignedInClientAsync(app, b);
        var before = await TwoPartners.RowsMentioningAsync(app, a.Guids);

        var problems = new List<string>();
        var controls = new List<string>();
        var (covered, sent, withoutIds) = (0, 0, 0);
        var antiforgery = new Dictionary<string, string>();
        foreach (var route in cases)
        {
            var variants = Plan(route, a, b, problems);
            if (variants.Count == 0)
            {
                withoutIds++;
                continue;
            }

            covered++;
            foreach (var variant in variants)
            {
                sent++;
                using var request = await RequestAsync(client, route, variant, a, b, antiforgery);
                using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
                var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
                var status = (int)response.StatusCode;
                var key = $"{route.Method} {route.Pattern.TrimEnd('/')}";
                var violation = !route.IsPage && ApiRequests.TryGetValue(key, out var api)
                    ? api.Allowed.Contains(status) ? null : $"answered {status}, not {string.Join(" or ", api.Allowed)}"
                    : IsolationRules.Violation(route, variant.HasIds, variant.IdInRoute, status, variant.AllA);
                // What the request itself carried may be echoed (a problem's "instance" is its path): that is not A's data.
                var carried = Uri.UnescapeDataString(request.RequestUri!.ToString());
                var seen = a.Markers.Where(m => !carried.Contains(m, StringComparison.OrdinalIgnoreCase))
                    .Where(m => body.Contains(m, StringComparison.OrdinalIgnoreCase)
                    || (response.Headers.Location?.ToString().Contains(m, StringComparison.OrdinalIgnoreCase) ?? false)).ToList();
                if (seen.Count > 0)
                {
                    violation = $"{violation} shows partner A's {string.Join(", ", seen)}".Trim();
                }

                if (violation is not null)
                {
                    problems.Add($"{route.Name} as {request.Method} {request.RequestUri}: {violation}");
                }

                if (route.IsPage && route.Method == "GET" && variant.IdInRoute
                    && route.Pattern.StartsWith("/partner/", StringComparison.Ordinal) && variant.AllA)
                {
                    controls.Add(request.RequestUri!.ToString());
                }
            }
        }

        var after = await TwoPartners.RowsMentioningAsync(app, a.Guids);
        problems.AddRange(before.Except(after).Select(row => $"partner A's row changed or went: {row}"));
        // B's own audit trail may record what B typed (an export's filter with A's ID, say): it is B's row, not A's.
        var bAudit = $"AdminAuditEvent {{\"Id\":";
        problems.AddRange(after.Except(before)
            .Where(row => !(row.StartsWith(bAudit, StringComparison.Ordinal)
                && row.Contains($"\"PartnerId\":\"{b.Partner.Partner.Id}\"", StringComparison.OrdinalIgnoreCase)))
            .Select(row => $"a row naming partner A appeared: {row}"));

        // The same IDs work for their own partner: the 404s above are isolation, not wrong IDs.
        var own = await TwoPartners.SignedInClientAsync(app, a);
        foreach (var url in controls)
        {
            using var response = await own.GetAsync(url, TestContext.Current.CancellationToken);
            if ((int)response.StatusCode != 200)
            {
                problems.Add($"control: partner A's own GET {url} answered {(int)response.StatusCode}");
            }
        }

        output.WriteLine($"{endpoints} endpoints, {cases.Count} method/handler cases; {covered} take an ID or parameter and " +
            $"were sent {sent} requests; {withoutIds} take none; {controls.Count} GETs checked as partner A's own.");
        problems.Should().BeEmpty();
        covered.Should().BeGreaterThan(30, "the endpoint data source lists the Partner Hub, portal and API routes");
    }

    /// <summary>
    /// The requests for one route: all IDs partner A's, and (with several IDs) each ID A's with the others B's, so that
    /// a route checking only its first ID is caught. Empty for a route with no parameter and no ID input.
    /// </summary>
    private static List<Variant> Plan(RouteCase route, PartnerIds a, PartnerIds b, List<string> problems)
    {
        var ids = new List<(string Name, bool InRoute, RouteInput? Input)>();
        foreach (var parameter in route.RouteParameters.Where(p => !IsolationRules.NotIds.ContainsKey(p)))
        {
            if (IsolationRules.IdFor(route.Pattern, parameter, a) is null)
            {
                problems.Add($"{route.Name}: no rule fills the route parameter {{{parameter}}} (IsolationRules)");
                return [];
            }

            ids.Add((parameter, true, null));
        }

        foreach (var input in route.Inputs.Where(i => !IsolationRules.NotIdInputs.ContainsKey(i.Name)))
        {
            if (IsolationRules.IdFor(route.Pattern, input.Name, a) is null)
            {
                problems.Add($"{route.Name}: no rule fills the input {input.Key} (IsolationRules)");
                return [];
            }

            ids.Add((input.Key, false, input));
        }

        var listed = !route.IsPage && ApiRequests.ContainsKey($"{route.Method} {route.Pattern.TrimEnd('/')}");
        if (ids.Count == 0 && route.RouteParameters.Count == 0 && !listed)
        {
            return [];
        }

        var owners = new List<PartnerIds[]> { ids.Select(_ => a).ToArray() };
        if (ids.Count > 1)
        {
            owners.AddRange(ids.Select((_, i) => ids.Select((_, j) => i == j ? a : b).ToArray()));
        }

        return [.. owners.Select(owner =>
        {
            var path = route.Pattern;
            var fields = new List<KeyValuePair<string, string>>();
            var idInRoute = false;
            foreach (var parameter in route.RouteParameters)
            {
                var index = ids.FindIndex(i => i.InRoute && i.Name == parameter);
                var value = index >= 0 ? IsolationRules.IdFor(route.Pattern, parameter, owner[index])!
                    : parameter.Equals("slug", StringComparison.OrdinalIgnoreCase) ? a.Slug
                    : IsolationRules.NotIds[parameter].Value;
                idInRoute |= index >= 0 && owner[index] == a;
                path = RouteParameter().Replace(path, m => m.Groups["name"].Value == parameter ? Uri.EscapeDataString(value) : m.Value);
            }

            foreach (var (id, index) in ids.Select((id, index) => (id, index)).Where(x => !x.id.InRoute))
            {
                var value = IsolationRules.IdFor(route.Pattern, id.Input!.Name, owner[index])!;
                fields.Add(id.Input.IsDictionary ? new($"{id.Name}[{value}]", "intruder@example.com") : new(id.Name, value));
            }

            return new Variant(path.StartsWith('/') ? path : "/" + path, fields, idInRoute, owner.All(o => o == a), ids.Count > 0);
        })];
    }

    private static async Task<HttpRequestMessage> RequestAsync(HttpClient client, RouteCase route, Variant variant,
        PartnerIds a, PartnerIds b, Dictionary<string, string> antiforgery)
    {
        var key = $"{route.Method} {route.Pattern.TrimEnd('/')}";
        var api = !route.IsPage && ApiRequests.TryGetValue(key, out var listed) ? listed : default;
        var query = route.Handler is null ? "" : $"handler={route.Handler}";
        var fields = variant.Fields.ToList();
        if (route.Method == "GET" && fields.Count > 0)
        {
            query = string.Join("&", fields.Select(f => $"{Uri.EscapeDataString(f.Key)}={Uri.EscapeDataString(f.Value)}")
                .Prepend(query).Where(q => q.Length > 0));
        }

        var url = variant.Path + (query.Length > 0 ? "?" + query : "") + (api.Query?.Invoke(a) ?? "");
        var request = new HttpRequestMessage(new HttpMethod(route.Method), url);
        if (route.Pattern.StartsWith("/bridge/", StringComparison.Ordinal))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes($"{TwoPartners.BridgeAccount}:{b.BridgePassword}")));
        }
        else if (!route.IsPage)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", b.Partner.Token);
        }

        if (!route.IsPage && route.Method is "POST" or "PUT" or "PATCH")
        {
            request.Content = new StringContent(api.Body?.Invoke(a) ?? "{}", Encoding.UTF8, "application/json");
        }
        else if (route.IsPage && route.Method != "GET")
        {
            fields.Add(new("__RequestVerificationToken", await AntiforgeryAsync(client, variant.Path, b, antiforgery)));
            request.Content = new FormUrlEncodedContent(fields);
        }

        return request;
    }

    /// <summary>
    /// A valid antiforgery token of partner B's session for the area of <paramref name="path"/>: Partner Hub or the
    /// portal (the token is bound to who is signed in there: the admin, or the subscriber of the portal cookie).
    /// </summary>
    private static async Task<string> AntiforgeryAsync(HttpClient client, string path, PartnerIds b, Dictionary<string, string> cache)
    {
        var page = path.StartsWith("/partner", StringComparison.Ordinal) ? "/partner/tokens" : $"/activate/{b.Slug}/me";
        if (!cache.TryGetValue(page, out var token))
        {
            using var response = await client.GetAsync(page, TestContext.Current.CancellationToken);
            var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            if (response.StatusCode != System.Net.HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"{page} answered {(int)response.StatusCode} {response.Headers.Location}");
            }

            token = new HtmlParser().ParseDocument(html).QuerySelector("input[name=__RequestVerificationToken]")?.GetAttribute("value")
                ?? throw new InvalidOperationException($"{page} has no antiforgery token:\n{html}");
            cache[page] = token;
        }

        return token;
    }

    [GeneratedRegex(@"\{\*{0,2}(?<name>[^}:?=]+)[^}]*\}")]
    private static partial Regex RouteParameter();
}
