using Flowthrough.Tests.Activation;
using FsCheck;
using FsCheck.Fluent;

namespace Flowthrough.Tests.Fuzz;

/// <summary>The portal with its BroadWorks (the simulator), one per class.</summary>
public sealed class PortalFuzzHost : IAsyncLifetime
{
    public PortalFixture Portal { get; private set; } = null!;

    public TestPartner Partner { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        // Lockouts out of reach, and sign-in checks given time: a loaded CI machine must not turn the one real
        // sign-in into "BroadWorks unavailable".
        Portal = await PortalFixture.StartAsync(settings: new Dictionary<string, string?>
        {
            ["LoginThrottle:MaxFailures"] = "1000",
            ["BroadWorks:Xsi:AttemptTimeout"] = "00:00:05",
            ["BroadWorks:Xsi:TotalTimeout"] = "00:00:20",
        });
        Partner = await Portal.TemplateAsync();
    }

    public async ValueTask DisposeAsync() => await Portal.DisposeAsync();
}

/// <summary>
/// The activation portal's forms with hostile values: the sign-in (user ID, password), the signed-in page's email
/// and code forms, and the language switch. Never a 5xx; a refused sign-in writes no subscriber, event or mail.
/// </summary>
public sealed class PortalFormFuzzTests(PortalFuzzHost host) : IClassFixture<PortalFuzzHost>
{
    private async Task<string> RowsAsync()
    {
        await using var db = host.Portal.App.CreateDbContext();
        return $"{db.Subscribers.Count()} subscribers, {db.SubscriberEvents.Count()} events, {db.Outbox.Count()} mails";
    }

    [Fact]
    public async Task Hostile_sign_ins_never_fail_the_server_nor_write()
    {
        var browser = host.Portal.Browser();
        var slug = host.Partner.Template.ActivationSlug;
        var forms = await HostileForms.ReadAsync(browser.Client, $"/activate/{slug}", _ => false);
        var signIn = forms.Single(f => f.Method == "POST");
        var before = await RowsAsync();
        await Fuzz.CheckAsync("portal sign-in form", 80, HostileForms.Fill(signIn), async values =>
        {
            using var request = HostileForms.Request(signIn, values, []);
            using var response = await browser.Client.SendAsync(request, TestContext.Current.CancellationToken);
            var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            ((int)response.StatusCode).Should().BeLessThan(500, $"{HostileForms.Show(signIn, values)}: {body[..Math.Min(body.Length, 2000)]}");
        });
        (await RowsAsync()).Should().Be(before, "no hostile sign-in is a BroadWorks user's");
        var language = Fuzz.Text.Select(Fuzz.Escape).Two();
        await Fuzz.CheckAsync("portal language switch (culture, returnUrl)", 40, language, async input =>
        {
            using var client = host.Portal.App.CreateClient();
            using var response = await client.GetAsync(new Uri($"/activate/language?culture={input.Item1}&returnUrl={input.Item2}", UriKind.Relative),
                TestContext.Current.CancellationToken);
            ((int)response.StatusCode).Should().BeLessThan(500, $"culture={input.Item1}&returnUrl={input.Item2}");
        });
    }

    [Fact]
    public async Task Hostile_emails_and_codes_of_a_signed_in_user_never_fail_the_server()
    {
        await host.Portal.SendFromBroadWorksAsync(host.Partner, PortalFixture.Lukasz);
        var browser = host.Portal.Browser();
        await PortalFixture.SignInAsync(browser, host.Partner, PortalFixture.Lukasz, PortalFixture.LukaszPassword);
        var me = browser.Path;
        me.Should().EndWith("/me");
        var forms = await HostileForms.ReadAsync(browser.Client, me, action => action.Contains("SignOut", StringComparison.OrdinalIgnoreCase));
        forms.Should().NotBeEmpty();
        var submission = Gen.Elements(forms.ToArray()).SelectMany(form => HostileForms.Fill(form).Select(values => (form, values)));
        await Fuzz.CheckAsync("portal signed-in forms (email, code, resend)", 80, submission, async input =>
        {
            var (form, values) = input;
            using var request = HostileForms.Request(form, values, []);
            using var response = await browser.Client.SendAsync(request, TestContext.Current.CancellationToken);
            var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            ((int)response.StatusCode).Should().BeLessThan(500, $"{HostileForms.Show(form, values)}: {body[..Math.Min(body.Length, 2000)]}");
        });
    }
}
