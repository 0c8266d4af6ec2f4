using System.Globalization;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Flowthrough.Tests.Activation;
using Flowthrough.Tests.Email;
using Flowthrough.Tests.Simulator;
using Microsoft.Playwright;
using MimeKit;

namespace Flowthrough.Tests.Browser;

/// <summary>
/// What the portal's browser journeys stand on: the app on a real socket with its engine workers running, mail
/// delivered to a real SMTP server, and the BroadWorks simulator that has switched Łukasz's Integrated IM&amp;P on.
/// </summary>
internal sealed partial class ActivationStage : IAsyncDisposable
{
    private ActivationStage(SmtpSink sink, FlowthroughApplication app, SimulatorHost simulator, TestPartner partner)
    {
        Sink = sink;
        App = app;
        Simulator = simulator;
        Partner = partner;
    }

    public SmtpSink Sink { get; }

    public FlowthroughApplication App { get; }

    public SimulatorHost Simulator { get; }

    public TestPartner Partner { get; }

    public string ShareLink => $"{App.ServerUrl}/activate/{Partner.Template.ActivationSlug}";

    public static async Task<ActivationStage> StartAsync(CancellationToken cancel)
    {
        var sink = await SmtpSink.StartAsync();
        FlowthroughApplication? app = null;
        SimulatorHost? simulator = null;
        try
        {
            app = (await FlowthroughApplication.CreateAsync(new Dictionary<string, string?>
            {
                ["Email:Mode"] = "Smtp",
                ["Email:Smtp:Host"] = "127.0.0.1",
                ["Email:Smtp:Port"] = sink.Port.ToString(CultureInfo.InvariantCulture),
                ["Email:Smtp:Security"] = "None",
                ["Email:PollInterval"] = "00:00:00.200",
                ["Engine:Workers"] = "1",
            })).StartKestrel();
            // The simulator's seed wires Łukasz's group to the provisioning ID demo-untrusted with the demo account.
            simulator = await SimulatorHost.StartAsync(app.ServerUrl);
            var xsiUrl = new Uri(simulator.Client.BaseAddress!, "/com.broadsoft.xsi-actions").ToString();
            var partner = await app.CreatePartnerAsync(t =>
            {
                t.EmailTrust = Templates.EmailTrust.Untrusted;
                t.FlowThroughEnabled = true;
                t.ProvisioningId = "demo-untrusted";
                t.ProvisioningAccountName = "bwprov";
                t.ProvisioningPasswordHash = new Microsoft.AspNetCore.Identity.PasswordHasher<Templates.OnboardingTemplate>()
                    .HashPassword(t, "Demo-Prov-2026!");
            }, xsiUrl);
            // The service provider switches on Integrated IM&P: BroadWorks calls the bridge, and only then may Łukasz activate.
            (await simulator.Client.PostAsJsonAsync($"/api/subscribers/{PortalFixture.Lukasz}/imp", new { active = true }, cancel))
                .EnsureSuccessStatusCode();
            return new ActivationStage(sink, app, simulator, partner);
        }
        catch
        {
            if (simulator is not null)
            {
                await simulator.DisposeAsync();
            }

            if (app is not null)
            {
                await app.DisposeAsync();
            }

            await sink.DisposeAsync();
            throw;
        }
    }

    /// <summary>A browser window of its own (cookies and all), as another device would be.</summary>
    public static Task<IBrowserContext> NewDeviceAsync(IBrowser browser, string language, int width, int height) =>
        browser.NewContextAsync(Chromium.ContextOptions(language, width, height));

    /// <summary>On the Share Link's sign-in page: signs Łukasz in; the page then asks for an email.</summary>
    public static async Task SignInAsync(IPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        await page.FillAsync("#userId", PortalFixture.Lukasz);
        await page.FillAsync("#password", PortalFixture.LukaszPassword);
        await page.ClickAsync("form:has(#password) button[type=submit]");
    }

    /// <summary>Enters <paramref name="email"/> on the email page; the page then asks for the code.</summary>
    public static async Task EnterEmailAsync(IPage page, string email)
    {
        ArgumentNullException.ThrowIfNull(page);
        await page.FillAsync("#email", email);
        await page.ClickAsync("form:has(#email) button[type=submit]");
    }

    /// <summary>The latest message the SMTP server received for <paramref name="address"/>, waited for.</summary>
    public async Task<MimeMessage> MailToAsync(string address)
    {
        MimeMessage? found = null;
        await Eventually.HoldsAsync(async () =>
            {
                found = (await Sink.MessagesAsync()).LastOrDefault(m =>
                    m.To.Mailboxes.Any(a => string.Equals(a.Address, address, StringComparison.OrdinalIgnoreCase)));
                return found is not null;
            }, $"an email to {address} reaches the SMTP server", TimeSpan.FromSeconds(10));
        return found!;
    }

    public static string CodeIn(MimeMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var match = CodePattern().Match(message.TextBody ?? "");
        match.Success.Should().BeTrue($"the verification email carries a 6-digit code:\n{message.TextBody}");
        return match.Value;
    }

    /// <summary>The link of the verification email, on the address the test's app listens on.</summary>
    public string LinkIn(MimeMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var match = LinkPattern().Match(message.TextBody ?? "");
        match.Success.Should().BeTrue($"the verification email carries a link:\n{message.TextBody}");
        // The mail names the public address (PublicBaseUrl); the test's app listens on a free local port.
        return App.ServerUrl + new Uri(match.Value).PathAndQuery;
    }

    public async ValueTask DisposeAsync()
    {
        await Simulator.DisposeAsync();
        await App.DisposeAsync();
        await Sink.DisposeAsync();
    }

    [GeneratedRegex(@"\b\d{6}\b")]
    private static partial Regex CodePattern();

    [GeneratedRegex(@"https?://\S+/activate/verify/[A-Za-z0-9_\-]+")]
    private static partial Regex LinkPattern();
}
