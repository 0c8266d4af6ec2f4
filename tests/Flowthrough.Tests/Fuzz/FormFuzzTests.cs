using Flowthrough.Partners;
using Flowthrough.Tests.PartnerHub;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Flowthrough.Tests.Fuzz;

/// <summary>
/// Every Partner Hub form (read from the pages themselves, antiforgery token included) submitted with hostile field
/// values, missing and repeated fields, unknown fields and hostile CSV uploads: never a 5xx, neither on the answer
/// nor on the page it leads to (where saved values are shown).
/// </summary>
public sealed class FormFuzzTests(FuzzHost host) : IClassFixture<FuzzHost>
{
    /// <summary>Forms that would end the session or delete the fixture's own partner data: not fuzzed.</summary>
    private static bool Skip(string action) =>
        action.Contains("signout", StringComparison.OrdinalIgnoreCase) || action.Contains("sign-out", StringComparison.OrdinalIgnoreCase)
        || action.Contains("/delete", StringComparison.OrdinalIgnoreCase) || action.Contains("/remove", StringComparison.OrdinalIgnoreCase)
        || action.Contains("language", StringComparison.OrdinalIgnoreCase);

    public static async Task<PortalBrowser> SignInAsync(FlowthroughApplication app, PartnerAdmin admin)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(admin);
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = true, HandleCookies = true });
        var browser = new PortalBrowser(client);
        await browser.OpenAsync("/partner/signin");
        await browser.SubmitAsync("form[action='/partner/signin'], main form",
            new Dictionary<string, string> { ["Email"] = admin.Email, ["Password"] = HubFixture.Password });
        browser.Path.Should().NotBe("/partner/signin", "the admin is signed in");
        return browser;
    }

    private async Task<(PortalBrowser Browser, List<PageForm> Forms)> SignInAndReadFormsAsync(string[] pages)
    {
        var admin = await HubFixture.AddAdminAsync(host.App, host.Partner, PartnerAdminRole.FullAdmin);
        var browser = await SignInAsync(host.App, admin);
        var forms = new List<PageForm>();
        foreach (var page in pages)
        {
            forms.AddRange(await HostileForms.ReadAsync(browser.Client, page, Skip));
        }

        return (browser, forms);
    }

    [Fact]
    public async Task Hub_forms_with_hostile_values_never_fail_the_server()
    {
        var template = host.Partner.Template.Id;
        var cluster = host.Partner.Template.ClusterId;
        using (var bridge = host.Bridge())
        {
            using var content = FuzzHost.Json("{\"userId\":\"form.fuzz@sp.example\",\"serviceProviderId\":\"sp\",\"groupId\":\"g\",\"firstName\":\"Ola\",\"lastName\":\"Nowak\",\"extension\":\"105\",\"email\":\"ola@example.com\",\"isActive\":true}"u8.ToArray());
            using var created = await bridge.PostAsync(new Uri($"/bridge/{host.Partner.Template.ProvisioningId}/users", UriKind.Relative),
                content, TestContext.Current.CancellationToken);
            ((int)created.StatusCode).Should().Be(202, await created.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        }

        string[] pages =
        [
            "/partner", "/partner/templates", $"/partner/templates/{template}", $"/partner/templates/{template}/edit",
            $"/partner/templates/{template}/users", $"/partner/templates/{template}/users/bulk",
            $"/partner/templates/{template}/reconciliation", $"/partner/templates/{template}/dashboard", "/partner/clusters",
            $"/partner/clusters/{cluster}", $"/partner/clusters/{cluster}/sync", "/partner/targets", "/partner/tokens",
            "/partner/admins", "/partner/settings", "/partner/customers",
        ];
        var (browser, forms) = await SignInAndReadFormsAsync(pages);
        forms.Should().HaveCountGreaterThan(10, "the hub's pages hold forms: " + string.Join("; ", forms));
        var signIns = 1;
        var submission = Gen.Elements(forms.ToArray()).SelectMany(form => HostileForms.Fill(form).Zip(HostileForms.CsvFile,
            (values, file) => (form, values, file)));
        await Fuzz.CheckAsync("Partner Hub forms", 180, submission, async input =>
        {
            var (form, values, file) = input;
            var shown = HostileForms.Show(form, values);
            // The form as read at sign-in carries that admin's token; after a re-sign-in the page is read again.
            var current = forms.FirstOrDefault(f => f.Action == form.Action && f.Page == form.Page) ?? form;
            var token = current.Fields.FirstOrDefault(f => f.Name == HostileForms.Antiforgery)?.Value;
            if (token is not null)
            {
                values = [.. values.Select(v => v.Key == HostileForms.Antiforgery ? new(v.Key, token) : v)];
            }

            var request = HostileForms.Request(form, values, file);
            using var response = await browser.Client.SendAsync(request, TestContext.Current.CancellationToken);
            var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            ((int)response.StatusCode).Should().BeLessThan(500, $"{shown} → {response.RequestMessage!.RequestUri}: {body[..Math.Min(body.Length, 2000)]}");
            if (response.RequestMessage!.RequestUri!.AbsolutePath == "/partner/signin")
            {
                // A hostile value that ends the session (a changed own password, a demoted own role) is not a
                // failure; the run goes on as a fresh admin with fresh tokens.
                (browser, forms) = await SignInAndReadFormsAsync(pages);
                signIns++;
            }
        });
        TestContext.Current.TestOutputHelper?.WriteLine($"{forms.Count} forms on {pages.Length} pages; {signIns} sign-ins");
        await host.ShouldStillServeAsync();
    }

    [Theory]
    [InlineData("a[b")]
    [InlineData("Emails[x")]
    [InlineData("]]][[[")]
    public async Task A_form_field_named_like_an_unclosed_jquery_key_is_not_a_server_error(string name)
    {
        // Before: the jQuery-style value providers threw ArgumentException ("invalid JQuery syntax because it is
        // missing a closing bracket") on such a key, on every Razor Page, posted or in the query string: a 500.
        var admin = await HubFixture.AddAdminAsync(host.App, host.Partner, PartnerAdminRole.FullAdmin);
        var browser = await SignInAsync(host.App, admin);
        var forms = await HostileForms.ReadAsync(browser.Client, $"/partner/templates/{host.Partner.Template.Id}/edit", Skip);
        var form = forms.First(f => f.Method == "POST");
        var values = form.Fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)).Append(new(name, "x")).ToList();
        using var post = await browser.Client.SendAsync(HostileForms.Request(form, values, []), TestContext.Current.CancellationToken);
        ((int)post.StatusCode).Should().BeLessThan(500);
        using var get = await browser.Client.GetAsync(new Uri($"/partner/templates?{Uri.EscapeDataString(name)}=1", UriKind.Relative),
            TestContext.Current.CancellationToken);
        ((int)get.StatusCode).Should().BeLessThan(500);
    }

    [Fact]
    public async Task A_nul_in_a_query_or_form_value_is_refused_as_malformed()
    {
        // Before: on PostgreSQL the User Status search for "a%00b" failed its statement (22021: text cannot hold
        // NUL) and answered 500; SQLite stored and compared it. Now both refuse the request as malformed.
        var admin = await HubFixture.AddAdminAsync(host.App, host.Partner, PartnerAdminRole.FullAdmin);
        var browser = await SignInAsync(host.App, admin);
        using var search = await browser.Client.GetAsync(new Uri($"/partner/templates/{host.Partner.Template.Id}/users?q=a%00b", UriKind.Relative),
            TestContext.Current.CancellationToken);
        ((int)search.StatusCode).Should().Be(400);
        var form = (await HostileForms.ReadAsync(browser.Client, $"/partner/templates/{host.Partner.Template.Id}/edit", Skip))
            .First(f => f.Method == "POST");
        var values = form.Fields.Select(f => new KeyValuePair<string, string>(f.Name,
            f.Name == HostileForms.Antiforgery ? f.Value : f.Value + "\0")).ToList();
        using var post = await browser.Client.SendAsync(HostileForms.Request(form, values, []), TestContext.Current.CancellationToken);
        ((int)post.StatusCode).Should().Be(400);
    }
}
