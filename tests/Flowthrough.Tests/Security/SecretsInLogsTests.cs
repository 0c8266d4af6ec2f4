using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using BroadWorksSimulator.Ocip;
using Flowthrough.BroadWorks.Ocip;
using Flowthrough.BroadWorks.Sync;
using Flowthrough.Clusters;
using Flowthrough.Email;
using Flowthrough.Partners;
using Flowthrough.Tests.Activation;
using Flowthrough.Tests.PartnerHub;
using Flowthrough.Tests.PartnerHub.Targets;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Flowthrough.Tests.Security;

/// <summary>
/// Every journey that handles a secret, run with every log category at Trace into a recorder that keeps messages,
/// state values and scopes: no password, code, token or link token may appear in any of them, in clear or as the
/// Base64 of a Basic header.
/// </summary>
public sealed partial class SecretsInLogsTests
{
    private const string WrongPortalPassword = "Bw!Wrong-Guess-7781";
    private const string WrongAdminPassword = "Hub-Wrong-Guess-4455";
    private const string NewAdminPassword = "Fresh-Admin-Secret-9371";

    [Fact]
    public async Task No_password_code_or_token_of_any_journey_is_logged_at_trace_level()
    {
        var logs = new EverythingLoggedProvider();
        await using var portal = await PortalFixture.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Trace",
            ["Logging:LogLevel:Microsoft"] = "Trace",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace",
            ["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Trace",
            ["Logging:LogLevel:System"] = "Trace",
            ["Logging:Console:LogLevel:Default"] = "None",
            ["Sync:Enabled"] = "false",
        }, configureServices: services => services.AddSingleton<ILoggerProvider>(logs));
        var app = portal.App;
        var ct = TestContext.Current.CancellationToken;
        var secrets = new Dictionary<string, string>
        {
            ["bridge password"] = PortalFixture.ProvisioningPassword,
            ["bridge Basic header"] = Basic(PortalFixture.ProvisioningAccount, PortalFixture.ProvisioningPassword),
            ["portal password"] = PortalFixture.LukaszPassword,
            ["portal wrong password"] = WrongPortalPassword,
            ["Xsi Basic header"] = Basic(PortalFixture.Lukasz, PortalFixture.LukaszPassword),
            ["admin password"] = HubFixture.Password,
            ["admin wrong password"] = WrongAdminPassword,
            ["new admin password"] = NewAdminPassword,
            ["OCI-P password"] = SyncPassword,
            ["SCIM bearer token"] = ScimStandIn.Token,
        };

        // Bridge intake with Basic auth, then the portal: a wrong password, the right one, the email, the code.
        var partner = await portal.TemplateAsync();
        secrets["API token"] = partner.Token;
        var subscriber = await portal.SendFromBroadWorksAsync(partner, PortalFixture.Lukasz);
        var browser = portal.Browser();
        await PortalFixture.SignInAsync(browser, partner, PortalFixture.Lukasz, WrongPortalPassword);
        await PortalFixture.SignInAsync(browser, partner, PortalFixture.Lukasz, PortalFixture.LukaszPassword);
        await browser.SubmitAsync("form[action*='handler=Email']", new Dictionary<string, string> { ["Email"] = "lukasz@firma.example" });
        var (code, link, _) = await portal.LatestMailAsync(subscriber.Id);
        secrets["verification code"] = code;
        secrets["verification link token"] = link[(link.LastIndexOf('/') + 1)..];
        await browser.SubmitAsync("form[action*='handler=Code']", new Dictionary<string, string> { ["Code"] = code });
        await browser.OpenAsync(link);

        // The REST API with its bearer token.
        (await partner.Client().GetAsync("/v1/broadworks/subscribers", ct)).StatusCode.Should().Be(HttpStatusCode.OK);

        // Partner Hub: a wrong password, the right one, an invitation and its set-password link.
        var admin = await HubFixture.AddAdminAsync(app, partner, PartnerAdminRole.FullAdmin);
        var hub = HubBrowser(app);
        await hub.OpenAsync("/partner/signin");
        await hub.SubmitAsync("main form", new Dictionary<string, string> { ["Email"] = admin.Email, ["Password"] = WrongAdminPassword });
        await hub.SubmitAsync("main form", new Dictionary<string, string> { ["Email"] = admin.Email, ["Password"] = HubFixture.Password });
        await hub.OpenAsync("/partner/admins");
        const string invited = "invited.admin@partner.example";
        await hub.SubmitAsync("#invite-form", new Dictionary<string, string> { ["Input.Email"] = invited });
        OutboxMessage invitation;
        await using (var db = app.CreateDbContext())
        {
            invitation = await db.Outbox.AsNoTracking().Where(m => m.To == invited).OrderByDescending(m => m.Id).FirstAsync(ct);
        }

        var setPassword = SetPasswordLink().Match((await portal.DeliveredAsync(invitation)).Text).Groups[1].Value;
        setPassword.Should().NotBeEmpty();
        secrets["set-password link token"] = setPassword[(setPassword.LastIndexOf('/') + 1)..];
        var newcomer = HubBrowser(app);
        await newcomer.OpenAsync(setPassword);
        await newcomer.SubmitAsync("#set-password-form", new Dictionary<string, string> { ["Password"] = NewAdminPassword, ["Repeat"] = NewAdminPassword });

        // A SCIM target's bearer token, used by Test connection.
        await using var scim = await ScimStandIn.StartAsync();
        var target = await TargetsTests.AddTargetAsync(app, partner.Partner.Id, "Secret target", scim.Full, ScimStandIn.Token);
        await hub.OpenAsync($"/partner/targets/{target.Id}");
        await hub.SubmitWithAsync("#target-form", "#test-target");

        // OCI-P sync, logging in with the cluster's protected password.
        await using (var db = app.CreateDbContext())
        {
            var cluster = await db.Clusters.SingleAsync(c => c.Id == partner.Template.ClusterId, ct);
            cluster.OcipHost = "127.0.0.1";
            cluster.OcipTransport = OcipTransport.Tcp;
            cluster.OcipPort = portal.Simulator.Services.GetRequiredService<OcipEndpoints>().TcpPort;
            cluster.OcipUserId = "ocip-admin";
            cluster.OcipPasswordProtected = app.Service<ClusterSecrets>().Protect(SyncPassword);
            await db.SaveChangesAsync(ct);
        }

        var run = await app.Service<SyncWorker>().SyncIfFreeAsync(partner.Template.ClusterId, "test", ct);
        run.Should().NotBeNull();

        // Known and not fixed here: a link token is part of its link's path, which the host logs with every request
        // (the "Request starting" line and the RequestPath scope of every entry) and ASP.NET Core logs as a route value
        // at Trace (route matching, page handler arguments). Only there is it allowed: in the app's own messages, a
        // query's parameters or an HTTP client's log it fails. See docs/reliability/isolation.md.
        var paths = new[] { link, setPassword };
        var linkTokens = new[] { secrets["verification link token"], secrets["set-password link token"] };
        var entries = logs.Entries.ToList();
        entries.Should().NotBeEmpty();
        var leaks = (from secret in secrets
                     from entry in entries
                     let text = paths.Aggregate(entry.Text, (t, path) => t.Replace(path, "{link path}", StringComparison.Ordinal))
                     where text.Contains(secret.Value, StringComparison.Ordinal)
                         && !(linkTokens.Contains(secret.Value) && entry.Category.StartsWith("Microsoft.AspNetCore.", StringComparison.Ordinal))
                     select $"{secret.Key} in {entry.Category}: {Excerpt(text, secret.Value)}").Distinct().ToList();
        string.Join("\n", leaks).Should().BeEmpty($"{entries.Count} log entries were scanned for {secrets.Count} secrets");
        entries.Should().Contain(e => e.Text.Contains(link, StringComparison.Ordinal), "the known path form is still what the host logs");
    }

    private const string SyncPassword = "Demo-Ocip-2026!";

    private static string Basic(string user, string password) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));

    private static string Excerpt(string text, string secret)
    {
        var at = text.IndexOf(secret, StringComparison.Ordinal);
        var start = Math.Max(0, at - 120);
        return text.Substring(start, Math.Min(text.Length - start, secret.Length + 240));
    }

    private static PortalBrowser HubBrowser(FlowthroughApplication app)
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = true, HandleCookies = true });
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en");
        return new PortalBrowser(client);
    }

    [GeneratedRegex(@"https?://[^/\s]+(/partner/set-password/[A-Za-z0-9_\-]+)")]
    private static partial Regex SetPasswordLink();
}
