using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Flowthrough.Email;
using Flowthrough.Provisioning;
using Flowthrough.Subscribers;
using Flowthrough.Templates;
using Flowthrough.Tests.Simulator;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Flowthrough.Tests.Activation;

/// <summary>The app and the BroadWorks simulator side by side: portal sign-ins are checked against its Xsi-Actions.</summary>
public sealed partial class PortalFixture : IAsyncDisposable
{
    public const string Lukasz = "lukasz.wojcik@warszawa.sp.example";
    public const string LukaszPassword = "Bw!Lukasz2101";
    public const string Zofia = "zofia.zak@warszawa.sp.example";
    public const string ZofiaPassword = "Bw!Zofia2102";

    private PortalFixture(FlowthroughApplication app, SimulatorHost simulator)
    {
        App = app;
        Simulator = simulator;
    }

    public FlowthroughApplication App { get; }

    public SimulatorHost Simulator { get; }

    public string XsiUrl => new Uri(Simulator.Client.BaseAddress!, "/com.broadsoft.xsi-actions").ToString();

    public static async Task<PortalFixture> StartAsync(bool fakeTime = false, IDictionary<string, string?>? settings = null,
        Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? configureServices = null)
    {
        var overrides = new Dictionary<string, string?>
        {
            ["LoginThrottle:FailureDelay"] = "00:00:00",
            ["BroadWorks:Xsi:AttemptTimeout"] = "00:00:00.500",
            ["BroadWorks:Xsi:TotalTimeout"] = "00:00:02",
            ["BroadWorks:Xsi:RetryDelay"] = "00:00:00.010",
            ["BroadWorks:Xsi:BreakDuration"] = "00:00:00.500",
            ["Portal:IdleTimeout"] = "1.00:00:00",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            overrides[key] = value;
        }

        var app = await FlowthroughApplication.CreateAsync(overrides, fakeTime, configureServices);
        return new PortalFixture(app, await SimulatorHost.StartAsync());
    }

    public const string ProvisioningAccount = "bwprov";
    public const string ProvisioningPassword = "Prov-Test-2026!";

    public Task<TestPartner> TemplateAsync(Action<OnboardingTemplate>? configure = null) =>
        App.CreatePartnerAsync(t =>
        {
            t.EmailTrust = EmailTrust.Untrusted;
            t.FlowThroughEnabled = true;
            t.ProvisioningAccountName = ProvisioningAccount;
            t.ProvisioningPasswordHash = new PasswordHasher<OnboardingTemplate>().HashPassword(t, ProvisioningPassword);
            configure?.Invoke(t);
        }, XsiUrl);

    /// <summary>
    /// What a BroadWorks AS does when Integrated IM&amp;P is switched on for a simulator user: the bridge call with
    /// the user's data. On a flow-through template only users sent this way may activate in the portal.
    /// </summary>
    public async Task<Subscriber> SendFromBroadWorksAsync(TestPartner partner, string userId)
    {
        ArgumentNullException.ThrowIfNull(partner);
        var users = await Simulator.Client.GetFromJsonAsync<JsonArray>("/api/subscribers");
        var user = users!.Single(u => u!["userId"]!.GetValue<string>() == userId)!;
        var client = App.CreateClient((string?)null);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{ProvisioningAccount}:{ProvisioningPassword}")));
        var response = await client.PostAsJsonAsync($"/bridge/{partner.Template.ProvisioningId}/users", new
        {
            userId,
            serviceProviderId = user["serviceProviderId"]!.GetValue<string>(),
            groupId = user["groupId"]!.GetValue<string>(),
            firstName = user["firstName"]!.GetValue<string>(),
            lastName = user["lastName"]!.GetValue<string>(),
            primaryPhoneNumber = user["number"]?.GetValue<string>(),
            extension = user["extension"]?.GetValue<string>(),
            isActive = true,
        });
        response.StatusCode.Should().Be(System.Net.HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        return (await SubscriberAsync(userId))!;
    }

    /// <summary>
    /// Gives the template's cluster the simulator's OCI-P, mapping the Warsaw service provider (or one of its groups)
    /// to the template: sign-ins are then checked live against the AS.
    /// </summary>
    public async Task<TestPartner> WithOcipAsync(string? groupId = null)
    {
        var partner = await TemplateAsync();
        await using var db = App.CreateDbContext();
        var cluster = await db.Clusters.SingleAsync(c => c.Id == partner.Template.ClusterId);
        cluster.OcipHost = "127.0.0.1";
        cluster.OcipPort = Simulator.Ocip.TcpPort;
        cluster.OcipUserId = "ocip-admin";
        cluster.OcipPasswordProtected = App.Service<Flowthrough.Clusters.ClusterSecrets>().Protect("Demo-Ocip-2026!");
        db.ClusterMappings.Add(new Flowthrough.Clusters.ClusterMapping
        {
            ClusterId = cluster.Id, ServiceProviderId = "sp-warszawa", GroupId = groupId, TemplateId = partner.Template.Id,
        });
        await db.SaveChangesAsync();
        return partner;
    }

    public PortalBrowser Browser(string language = "en")
    {
        var client = App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = true, HandleCookies = true });
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd(language);
        return new PortalBrowser(client);
    }

    public static async Task SignInAsync(PortalBrowser browser, TestPartner partner, string userId, string password)
    {
        await browser.OpenAsync($"/activate/{partner.Template.ActivationSlug}");
        await browser.SubmitAsync("form", new Dictionary<string, string> { ["Input.UserId"] = userId, ["Input.Password"] = password });
    }

    public async Task<Subscriber?> SubscriberAsync(string userId)
    {
        await using var db = App.CreateDbContext();
        return await db.Subscribers.AsNoTracking().FirstOrDefaultAsync(s => s.UserId == userId);
    }

    public async Task<List<string>> EventsAsync(Guid subscriberId)
    {
        await using var db = App.CreateDbContext();
        return await db.SubscriberEvents.Where(e => e.SubscriberId == subscriberId).OrderBy(e => e.Id)
            .Select(e => e.Kind).ToListAsync();
    }

    /// <summary>A message as the subscriber received it (picked up), since the outbox drops bodies once sent.</summary>
    public sealed record DeliveredMail(string To, string Subject, string Text);

    /// <summary>The newest verification email to the subscriber, as delivered: its code and its link path.</summary>
    public async Task<(string Code, string LinkPath, DeliveredMail Message)> LatestMailAsync(Guid subscriberId)
    {
        OutboxMessage queued;
        await using (var db = App.CreateDbContext())
        {
            queued = await db.Outbox.AsNoTracking().Where(m => m.SubscriberId == subscriberId && m.Kind == EmailKind.Verification)
                .OrderByDescending(m => m.Id).FirstAsync();
        }

        var message = await DeliveredAsync(queued);
        var code = CodePattern().Match(message.Text).Value;
        var link = new Uri(LinkPattern().Match(message.Text).Value).AbsolutePath;
        return (code, link, message);
    }

    /// <summary>The picked-up file the relay (running in the background) wrote for an outbox message, waited for.</summary>
    public async Task<DeliveredMail> DeliveredAsync(OutboxMessage queued)
    {
        ArgumentNullException.ThrowIfNull(queued);
        var from = MailboxAddress.Parse(App.Service<IOptions<EmailOptions>>().Value.From);
        var messageId = OutboxRelay.ToMime(queued, from).MessageId!;
        DeliveredMail? delivered = null;
        await Eventually.HoldsAsync(async () => (delivered = await FindDeliveredAsync(messageId, queued.To)) is not null,
            $"outbox message {queued.Id} is picked up");
        return delivered!;
    }

    private async Task<DeliveredMail?> FindDeliveredAsync(string messageId, string to)
    {
        foreach (var file in Directory.Exists(App.MailDirectory) ? Directory.EnumerateFiles(App.MailDirectory, "*.eml") : [])
        {
            var mime = await MimeMessage.LoadAsync(file, TestContext.Current.CancellationToken);
            if (mime.MessageId == messageId)
            {
                return new DeliveredMail(to, mime.Subject ?? "", mime.TextBody ?? "");
            }
        }

        return null;
    }

    public Task DrainEngineAsync() => App.DrainEngineAsync();

    public Task SetFaultsAsync(object faults) => Simulator.Client.PutAsJsonAsync("/api/faults", faults);

    [GeneratedRegex(@"\b\d{6}\b")]
    private static partial Regex CodePattern();

    [GeneratedRegex(@"https?://\S+/activate/verify/[A-Za-z0-9_\-]+")]
    private static partial Regex LinkPattern();

    public async ValueTask DisposeAsync()
    {
        await Simulator.DisposeAsync();
        await App.DisposeAsync();
    }
}
