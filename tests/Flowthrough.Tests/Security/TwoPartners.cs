using System.Net;
using System.Reflection;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization;
using Flowthrough.Activation;
using Flowthrough.Clusters;
using Flowthrough.Data;
using Flowthrough.PartnerHub.Users;
using Flowthrough.PartnerHub.Users.BulkJobs;
using Flowthrough.Partners;
using Flowthrough.Provisioning;
using Flowthrough.Provisioning.Targets;
using Flowthrough.Provisioning.Targets.Reconciliation;
using Flowthrough.Templates;
using Flowthrough.Tests.PartnerHub;
using Flowthrough.Tests.PartnerHub.Users;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Flowthrough.Tests.Security;

/// <summary>One partner's IDs of every kind a route can take, and the names only it has (its markers).</summary>
internal sealed record PartnerIds(
    TestPartner Partner,
    PartnerAdmin Admin,
    Guid SubscriberId,
    string UserId,
    Guid ClusterId,
    Guid TargetId,
    Guid CustomerId,
    Guid JobId,
    Guid RunId,
    Guid ItemId,
    Guid MappingId,
    Guid OtherAdminId,
    Guid TokenId,
    string BridgePassword,
    IReadOnlyList<string> Markers)
{
    public Guid TemplateId => Partner.Template.Id;

    public string Slug => Partner.Template.ActivationSlug;

    public string ProvisioningId => Partner.Template.ProvisioningId;

    /// <summary>Every GUID of this partner's rows: a row mentioning one belongs to this partner.</summary>
    public IReadOnlyList<string> Guids =>
    [
        .. new[] { Partner.Partner.Id, TemplateId, SubscriberId, ClusterId, TargetId, CustomerId, JobId, RunId, ItemId, MappingId, Admin.Id, OtherAdminId, TokenId }
            .Select(g => g.ToString()),
    ];
}

/// <summary>
/// Two partners with one of everything (template, cluster, mapping, SCIM target, subscriber, customer, bulk job,
/// reconciliation run and item, admins, API token), each named with a marker that only that partner's pages may show.
/// </summary>
internal static class TwoPartners
{
    public const string BridgeAccount = "bw-bridge";

    public static async Task<PartnerIds> SeedAsync(FlowthroughApplication app, string label)
    {
        ArgumentNullException.ThrowIfNull(app);
        var tag = $"{label}{Guid.NewGuid():N}"[..12];
        // Each partner's own bridge password: the same account name on both, so only the password tells them apart.
        var bridgePassword = $"Bridge-{tag}!";
        var partner = await app.CreatePartnerAsync(t =>
        {
            t.Name = $"Template {tag}";
            t.ProvisioningAccountName = BridgeAccount;
            t.ProvisioningPasswordHash = new PasswordHasher<OnboardingTemplate>().HashPassword(t, bridgePassword);
        });
        var admin = await HubFixture.AddAdminAsync(app, partner, PartnerAdminRole.FullAdmin);
        var other = await HubFixture.AddAdminAsync(app, partner, PartnerAdminRole.ReadOnly);
        var now = DateTime.UtcNow;
        var ct = TestContext.Current.CancellationToken;
        var partnerId = partner.Partner.Id;
        await using var db = app.CreateDbContext();
        var cluster = await db.Clusters.SingleAsync(c => c.PartnerId == partnerId, ct);
        cluster.Name = $"Cluster {tag}";
        var target = new ProvisioningTarget
        {
            PartnerId = partnerId,
            Name = $"Target {tag}",
            BaseUrl = "https://idp.example/scim/v2",
            Created = now,
            Revision = 1,
        };
        var subscriber = UserStatusSeed.Failed(partner, $"user-{tag}@sp.example", now, $"First{tag}", $"Last{tag}");
        var customer = new CustomerOrganization
        {
            PartnerId = partnerId,
            TemplateId = partner.Template.Id,
            SpEnterpriseId = "sp+g1",
            Name = $"Customer {tag}",
            Created = now,
        };
        var mapping = new ClusterMapping { ClusterId = cluster.Id, ServiceProviderId = $"sp-{tag}", TemplateId = partner.Template.Id };
        db.AddRange(target, subscriber, customer, mapping);
        await db.SaveChangesAsync(ct);

        var job = await BulkJobCommands.StartAsync(db, Guid.CreateVersion7(), partnerId, partner.Template.Id, admin.Id,
            BulkAction.Delete, null, BulkTargets.Selected([subscriber.Id]), RetryEmailList.Parse(null), now, ct);
        var run = await ReconciliationRunner.StartAsync(db, partnerId, partner.Template.Id, admin.Id, now, ct);
        run.State = ReconciliationState.Completed;
        run.Missing = 1;
        await db.SaveChangesAsync(ct);
        var item = new ReconciliationItem { RunId = run.Id, Kind = DriftKind.Missing, SubscriberId = subscriber.Id, UserName = $"item-{tag}@sp.example" };
        db.ReconciliationItems.Add(item);
        await db.SaveChangesAsync(ct);
        var tokenId = await db.ApiTokens.Where(t => t.PartnerId == partnerId && t.Name == "rw").Select(t => t.Id).SingleAsync(ct);

        return new PartnerIds(partner, admin, subscriber.Id, subscriber.UserId, cluster.Id, target.Id, customer.Id, job.Id,
            run.Id, item.Id, mapping.Id, other.Id, tokenId, bridgePassword,
            [partner.Template.Name, cluster.Name, target.Name, subscriber.UserId, subscriber.FirstName, subscriber.LastName,
                customer.Name, mapping.ServiceProviderId, item.UserName, admin.Email, other.Email]);
    }

    /// <summary>
    /// A client that keeps cookies and never follows redirects, signed in to Partner Hub as the partner's admin
    /// through the real form, and carrying a portal cookie of the partner's subscriber (as the portal issues it).
    /// </summary>
    public static async Task<HttpClient> SignedInClientAsync(FlowthroughApplication app, PartnerIds ids)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(ids);
        var cookies = new CookieContainer();
        var client = app.CreateDefaultClient(new Uri("http://localhost"), new CookieContainerHandler(cookies));
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en");
        var browser = new PortalBrowser(client);
        await browser.OpenAsync("/partner/signin");
        await browser.SubmitAsync("main form", new Dictionary<string, string> { ["Email"] = ids.Admin.Email, ["Password"] = HubFixture.Password });
        browser.Status.Should().Be(HttpStatusCode.Redirect, "the admin signs in");

        var portal = app.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(PortalSetup.Scheme);
        var principal = new ClaimsPrincipal(new ClaimsIdentity(
        [
            new Claim(PortalSetup.SubscriberClaim, ids.SubscriberId.ToString()),
            new Claim(PortalSetup.TemplateClaim, ids.TemplateId.ToString()),
        ], PortalSetup.Scheme));
        var ticket = portal.TicketDataFormat.Protect(new AuthenticationTicket(principal, PortalSetup.Scheme));
        cookies.Add(new Uri("http://localhost"), new Cookie(portal.Cookie.Name!, ticket));
        return client;
    }

    private static readonly JsonSerializerOptions RowJson = new()
    {
        ReferenceHandler = ReferenceHandler.IgnoreCycles,
        MaxDepth = 8,
    };

    /// <summary>
    /// Every row of every table (from the EF model, not a hand list) that mentions one of <paramref name="guids"/>,
    /// as JSON: what a partner owns, to compare before and after another partner's requests.
    /// </summary>
    public static async Task<List<string>> RowsMentioningAsync(FlowthroughApplication app, IReadOnlyList<string> guids)
    {
        ArgumentNullException.ThrowIfNull(app);
        await using var db = app.CreateDbContext();
        var rows = new List<string>();
        var all = typeof(TwoPartners).GetMethod(nameof(AllAsync), BindingFlags.NonPublic | BindingFlags.Static)!;
        // Failure counters are what a refused call is meant to write (keyed by template and address on the bridge):
        // they slow the caller down and hold none of the partner's data.
        foreach (var type in db.Model.GetEntityTypes()
                     .Where(t => !t.IsOwned() && !t.HasSharedClrType && t.ClrType != typeof(Flowthrough.Security.LoginFailure))
                     .Select(t => t.ClrType).Distinct())
        {
            var list = await (Task<List<object>>)all.MakeGenericMethod(type).Invoke(null, [db])!;
            rows.AddRange(list.Select(row => $"{type.Name} {JsonSerializer.Serialize(row, type, RowJson)}")
                .Where(json => guids.Any(g => json.Contains(g, StringComparison.OrdinalIgnoreCase))));
        }

        rows.Sort(StringComparer.Ordinal);
        return rows;
    }

    private static async Task<List<object>> AllAsync<T>(FlowthroughDbContext db)
        where T : class => [.. await db.Set<T>().AsNoTracking().ToListAsync(TestContext.Current.CancellationToken)];
}
