using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Flowthrough.Templates;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.Tests.PartnerHub.Templates;

/// <summary>Disabling and deleting templates and clusters, and what a disabled one refuses where.</summary>
public sealed class TemplateLifecycleTests : IAsyncLifetime
{
    private const string Account = "bwprov";
    private const string ProvisioningPassword = "Lifecycle-Prov-2026!";

    private HubFixture hub = null!;

    public async ValueTask InitializeAsync()
    {
        hub = await HubFixture.StartAsync();
        await using var db = hub.App.CreateDbContext();
        var template = await db.Templates.SingleAsync(t => t.Id == hub.Partner.Template.Id);
        template.ProvisioningAccountName = Account;
        template.ProvisioningPasswordHash = new PasswordHasher<OnboardingTemplate>().HashPassword(template, ProvisioningPassword);
        await db.SaveChangesAsync();
    }

    public async ValueTask DisposeAsync() => await hub.DisposeAsync();

    private OnboardingTemplate Template => hub.Partner.Template;

    /// <summary>What BroadWorks sends when a user's Integrated IM&amp;P is switched on.</summary>
    private async Task<HttpResponseMessage> BridgeAsync(string userId)
    {
        var client = hub.App.CreateClient((string?)null);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Account}:{ProvisioningPassword}")));
        return await client.PostAsJsonAsync($"/bridge/{Template.ProvisioningId}/users", new
        {
            userId,
            serviceProviderId = "sp-warszawa",
            groupId = "mokotow",
            firstName = "Zofia",
            lastName = "Żak",
            primaryPhoneNumber = "+48225550101",
            isActive = true,
        }, TestContext.Current.CancellationToken);
    }

    private Task<HttpResponseMessage> ApiPostAsync(string userId) =>
        hub.Partner.Client().PostAsJsonAsync("/v1/broadworks/subscribers", new
        {
            provisioningId = Template.ProvisioningId,
            userId,
            spEnterpriseId = "sp1+group1",
            firstName = "Jan",
            lastName = "Kowalski",
            package = "standard",
            email = $"{userId.Split('@')[0]}@example.com",
            extension = "1001",
        }, TestContext.Current.CancellationToken);

    private static async Task<int?> ErrorCodeAsync(HttpResponseMessage response)
    {
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        return (int?)body["errorCode"];
    }

    private async Task<PortalBrowser> ShareLinkAsync(string language)
    {
        var browser = new PortalBrowser(hub.App.CreateClient());
        browser.Client.DefaultRequestHeaders.AcceptLanguage.ParseAdd(language);
        await browser.OpenAsync($"/activate/{Template.ActivationSlug}");
        return browser;
    }

    [Fact]
    public async Task A_disabled_template_refuses_the_bridge_the_api_and_the_share_link_until_enabled_again()
    {
        var admin = await hub.SignInAsync();
        await admin.OpenAsync($"/partner/templates/{Template.Id}");
        admin.Document.QuerySelector("#availability-state")!.TextContent.Should().Be("Enabled: the template takes new users.");

        await admin.SubmitAsync("#availability-form");

        admin.StatusMessage().Should().Be("Template “Template” disabled.");
        admin.Document.QuerySelector("#availability-state")!.TextContent.Should().StartWith("Disabled:");
        using (var bridge = await BridgeAsync("zofia.zak@warszawa.sp.example"))
        {
            bridge.StatusCode.Should().Be(HttpStatusCode.Conflict);
            (await ErrorCodeAsync(bridge)).Should().Be(1204);
        }

        using (var api = await ApiPostAsync("jan.kowalski@sp.example"))
        {
            api.StatusCode.Should().Be(HttpStatusCode.Conflict);
            (await ErrorCodeAsync(api)).Should().Be(1204);
        }

        var english = await ShareLinkAsync("en");
        english.Document.QuerySelector("#activation-disabled")!.TextContent.Should()
            .Be("Activation through this link is switched off. Contact your administrator.");
        english.Document.QuerySelector("input[name='Input.Password']").Should().BeNull();
        var polish = await ShareLinkAsync("pl");
        polish.Document.QuerySelector("#activation-disabled")!.TextContent.Should()
            .Be("Aktywacja przez to łącze jest wyłączona. Skontaktuj się z administratorem.");
        await using var db = hub.App.CreateDbContext();
        (await db.Subscribers.CountAsync(s => s.TemplateId == Template.Id)).Should().Be(0);

        await admin.SubmitAsync("#availability-form");
        admin.StatusMessage().Should().Be("Template “Template” enabled.");
        using (var bridge = await BridgeAsync("zofia.zak@warszawa.sp.example"))
        {
            bridge.StatusCode.Should().Be(HttpStatusCode.Accepted);
        }

        (await ShareLinkAsync("en")).Document.QuerySelector("input[name='Input.Password']").Should().NotBeNull();
        var audits = await db.AdminAuditEvents.AsNoTracking().Where(a => a.Target == Template.Id.ToString()).Select(a => a.Action).ToListAsync();
        audits.Should().BeEquivalentTo(["template.disable", "template.enable"]);
    }

    [Fact]
    public async Task A_disabled_cluster_closes_its_templates()
    {
        var admin = await hub.SignInAsync();
        await admin.OpenAsync($"/partner/clusters/{Template.ClusterId}");
        await admin.SubmitAsync("#availability-form");
        admin.StatusMessage().Should().Be("Cluster “Cluster” disabled.");

        await admin.OpenAsync($"/partner/templates/{Template.Id}");
        admin.Document.QuerySelector("#cluster-disabled")!.TextContent.Should()
            .Be("Its BroadWorks cluster “Cluster” is disabled, so this template takes no new users either.");
        await admin.OpenAsync("/partner/templates");
        admin.Document.QuerySelector(".badge-disabled").Should().NotBeNull();
        (await ShareLinkAsync("en")).Document.QuerySelector("#activation-disabled").Should().NotBeNull();
        using var bridge = await BridgeAsync("zofia.zak@warszawa.sp.example");
        (await ErrorCodeAsync(bridge)).Should().Be(1204);
    }

    [Fact]
    public async Task Deleting_a_template_names_its_subscribers_and_removes_them_as_delete_user_does()
    {
        foreach (var userId in new[] { "a@sp.example", "b@sp.example", "c@sp.example" })
        {
            using var response = await ApiPostAsync(userId);
            response.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        var admin = await hub.SignInAsync();
        await admin.OpenAsync($"/partner/templates/{Template.Id}");
        await admin.OpenAsync(admin.Document.QuerySelector("#delete-template")!.GetAttribute("href")!);
        admin.Document.QuerySelector("#delete-question")!.TextContent.Should().Be("Delete the template “Template”?");
        admin.Document.QuerySelector("#delete-goes")!.TextContent.Should().StartWith("With it go its 3 subscriber(s)");

        await admin.SubmitAsync("#delete-form");

        admin.Path.Should().Be("/partner/templates");
        admin.StatusMessage().Should().Be("Template “Template” deleted with 3 subscriber(s).");
        await using var db = hub.App.CreateDbContext();
        (await db.Templates.AnyAsync(t => t.Id == Template.Id)).Should().BeFalse();
        (await db.Subscribers.AnyAsync(s => s.TemplateId == Template.Id)).Should().BeFalse();
        (await db.TemplateStatusCounts.AnyAsync(c => c.TemplateId == Template.Id)).Should().BeFalse();
        // The timeline stays, with the removal by this admin, as after Delete User.
        (await db.SubscriberEvents.CountAsync(e => e.Kind == "deleted")).Should().Be(3);
        var audit = await db.AdminAuditEvents.AsNoTracking().SingleAsync(a => a.Action == "template.delete");
        audit.Target.Should().Be(Template.Id.ToString());
        audit.Data.Should().Contain("\"Subscribers\":3");
    }

    [Fact]
    public async Task Deleting_a_cluster_lists_its_templates_and_takes_them_with_it()
    {
        using (var response = await ApiPostAsync("a@sp.example"))
        {
            response.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        var admin = await hub.SignInAsync(language: "pl");
        await admin.OpenAsync($"/partner/clusters/{Template.ClusterId}");
        await admin.OpenAsync(admin.Document.QuerySelector("#delete-cluster")!.GetAttribute("href")!);
        admin.Document.QuerySelector("#delete-goes")!.TextContent.Should()
            .Be("Razem z nim zostaną usunięte jego szablony (liczba: 1) i ich subskrybenci (liczba: 1):");
        admin.Document.QuerySelectorAll("#delete-templates li").Select(li => li.TextContent).Should().Equal("Template (subskrybenci: 1)");

        await admin.SubmitAsync("#delete-form");

        admin.StatusMessage().Should().Be("Usunięto klaster „Cluster”, szablony: 1 i subskrybentów: 1.");
        await using var db = hub.App.CreateDbContext();
        (await db.Clusters.AnyAsync(c => c.Id == Template.ClusterId)).Should().BeFalse();
        (await db.Templates.AnyAsync(t => t.Id == Template.Id)).Should().BeFalse();
        (await db.Subscribers.AnyAsync(s => s.PartnerId == hub.Partner.Partner.Id)).Should().BeFalse();
    }

    [Fact]
    public async Task A_read_only_admin_can_neither_disable_nor_delete()
    {
        var browser = await hub.SignInAsync(hub.ReadOnlyAdmin);
        await browser.OpenAsync($"/partner/templates/{Template.Id}");
        await browser.SubmitAsync("#availability-form");
        browser.Status.Should().Be(HttpStatusCode.Forbidden);
        await browser.OpenAsync($"/partner/clusters/{Template.ClusterId}/delete");
        await browser.SubmitAsync("#delete-form");
        browser.Status.Should().Be(HttpStatusCode.Forbidden);

        await using var db = hub.App.CreateDbContext();
        (await db.Templates.SingleAsync(t => t.Id == Template.Id)).Disabled.Should().BeFalse();
        (await db.Clusters.AnyAsync(c => c.Id == Template.ClusterId)).Should().BeTrue();
    }

    [Fact]
    public async Task Another_partners_template_or_cluster_is_404_and_untouched()
    {
        var other = await hub.App.CreatePartnerAsync();
        var browser = await hub.SignInAsync();

        foreach (var path in new[] { $"/partner/templates/{other.Template.Id}/delete", $"/partner/clusters/{other.Template.ClusterId}/delete" })
        {
            await browser.OpenAsync(path);
            browser.Status.Should().Be(HttpStatusCode.NotFound, path);
        }

        // The own page's forms, pointed at the other partner's ids.
        await browser.OpenAsync($"/partner/templates/{Template.Id}/delete");
        var form = browser.Document.QuerySelector("#delete-form")!;
        form.SetAttribute("action", $"/partner/templates/{other.Template.Id}/delete");
        await browser.SubmitAsync("#delete-form");
        browser.Status.Should().Be(HttpStatusCode.NotFound);
        await browser.OpenAsync($"/partner/templates/{Template.Id}");
        browser.Document.QuerySelector("#availability-form")!.SetAttribute("action",
            $"/partner/templates/{other.Template.Id}?handler=Availability");
        await browser.SubmitAsync("#availability-form");
        browser.Status.Should().Be(HttpStatusCode.NotFound);

        await using var db = hub.App.CreateDbContext();
        var untouched = await db.Templates.AsNoTracking().SingleAsync(t => t.Id == other.Template.Id);
        untouched.Disabled.Should().BeFalse();
    }
}
