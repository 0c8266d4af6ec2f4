using System.Net;
using Flowthrough.Clusters;
using Flowthrough.Templates;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.Tests.PartnerHub.Clusters;

/// <summary>
/// The group mappings of a cluster page: added for a whole service provider or one group, refused twice, removed, and
/// only ever pointing at the partner's own templates on this cluster.
/// </summary>
public sealed class ClusterMappingsTests : IAsyncLifetime
{
    private HubFixture hub = null!;

    public async ValueTask InitializeAsync() => hub = await HubFixture.StartAsync();

    public async ValueTask DisposeAsync() => await hub.DisposeAsync();

    private Guid ClusterId => hub.Partner.Template.ClusterId;

    private async Task<OnboardingTemplate> AddTemplateAsync(Guid partnerId, Guid clusterId, string name)
    {
        await using var db = hub.App.CreateDbContext();
        var template = new OnboardingTemplate
        {
            PartnerId = partnerId,
            ClusterId = clusterId,
            Name = name,
            ProvisioningId = $"prov-{Guid.NewGuid():N}"[..20],
            ActivationSlug = $"slug-{Guid.NewGuid():N}"[..20],
            Created = DateTime.UtcNow,
        };
        db.Templates.Add(template);
        await db.SaveChangesAsync();
        return template;
    }

    private async Task<List<ClusterMapping>> MappingsAsync()
    {
        await using var db = hub.App.CreateDbContext();
        return await db.ClusterMappings.AsNoTracking().Where(m => m.ClusterId == ClusterId).ToListAsync();
    }

    [Fact]
    public async Task Mappings_are_added_refused_twice_and_removed()
    {
        var second = await AddTemplateAsync(hub.Partner.Partner.Id, ClusterId, "Kraków template");
        var browser = await hub.SignInAsync();
        await browser.OpenAsync($"/partner/clusters/{ClusterId}");
        browser.Document.QuerySelector("#no-mappings").Should().NotBeNull();
        browser.Document.QuerySelectorAll("#mapping-template option").Select(o => o.TextContent)
            .Should().Equal("Kraków template", "Template");

        await browser.SubmitAsync("#mapping-form", new Dictionary<string, string>
        {
            ["Mapping.ServiceProviderId"] = " sp-warszawa ", ["Mapping.GroupId"] = "", ["Mapping.TemplateId"] = hub.Partner.Template.Id.ToString(),
        });
        browser.StatusMessage().Should().Be("Mapping sp-warszawa (all groups) → “Template” added.");

        await browser.SubmitAsync("#mapping-form", new Dictionary<string, string>
        {
            ["Mapping.ServiceProviderId"] = "sp-warszawa", ["Mapping.GroupId"] = "grp-mokotow", ["Mapping.TemplateId"] = second.Id.ToString(),
        });
        browser.StatusMessage().Should().Be("Mapping sp-warszawa / grp-mokotow → “Kraków template” added.");
        var rows = browser.Document.QuerySelectorAll("#mappings tbody tr");
        rows.Should().HaveCount(2);
        browser.Text.Should().Contain("all groups");

        // The same service provider and group again: refused with a clear message, for "all groups" as well.
        foreach (var groupId in new[] { "grp-mokotow", "" })
        {
            await browser.SubmitAsync("#mapping-form", new Dictionary<string, string>
            {
                ["Mapping.ServiceProviderId"] = "sp-warszawa", ["Mapping.GroupId"] = groupId, ["Mapping.TemplateId"] = second.Id.ToString(),
            });
            browser.Status.Should().Be(HttpStatusCode.OK);
            browser.MessageFor("Mapping.ServiceProviderId").Should().Be("This service provider and group are already mapped on this cluster.");
        }

        await browser.SubmitAsync("#mapping-form", new Dictionary<string, string>
        {
            ["Mapping.ServiceProviderId"] = "", ["Mapping.TemplateId"] = second.Id.ToString(),
        });
        browser.MessageFor("Mapping.ServiceProviderId").Should().Be("Enter the service provider or enterprise ID.");
        (await MappingsAsync()).Should().HaveCount(2);

        var group = (await MappingsAsync()).Single(m => m.GroupId == "grp-mokotow");
        await browser.SubmitAsync($"#mappings tr[data-mapping='{group.Id}'] form");
        browser.StatusMessage().Should().Be("Mapping sp-warszawa / grp-mokotow removed.");
        (await MappingsAsync()).Should().ContainSingle().Which.GroupId.Should().BeNull();

        await using var db = hub.App.CreateDbContext();
        (await db.AdminAuditEvents.AsNoTracking().Where(a => a.Target == ClusterId.ToString()).Select(a => a.Action).ToListAsync())
            .Should().BeEquivalentTo(["cluster.mapping.add", "cluster.mapping.add", "cluster.mapping.remove"]);
    }

    [Fact]
    public async Task Only_the_partners_own_templates_on_this_cluster_can_be_mapped()
    {
        var other = await hub.App.CreatePartnerAsync();
        var elsewhereId = await AddClusterAsync("Elsewhere");
        var emptyId = await AddClusterAsync("Empty");
        var onAnotherCluster = await AddTemplateAsync(hub.Partner.Partner.Id, elsewhereId, "On another cluster");
        var browser = await hub.SignInAsync(language: "pl");
        await browser.OpenAsync($"/partner/clusters/{ClusterId}");
        browser.Document.QuerySelectorAll("#mapping-template option").Select(o => o.TextContent).Should().Equal("Template");

        foreach (var template in new[] { other.Template.Id, onAnotherCluster.Id })
        {
            await browser.SubmitAsync("#mapping-form", new Dictionary<string, string>
            {
                ["Mapping.ServiceProviderId"] = "sp-1", ["Mapping.TemplateId"] = template.ToString(),
            });
            browser.MessageFor("Mapping.TemplateId").Should().Be("Wybierz szablon klienta z tego klastra.");
        }

        (await MappingsAsync()).Should().BeEmpty();

        // A cluster without templates explains why nothing can be mapped.
        await browser.OpenAsync($"/partner/clusters/{emptyId}");
        browser.Document.QuerySelector("#mapping-form").Should().BeNull();
        browser.Document.QuerySelector("#no-cluster-templates").Should().NotBeNull();
        await browser.OpenAsync($"/partner/clusters/{other.Template.ClusterId}");
        browser.Status.Should().Be(HttpStatusCode.NotFound);
    }

    private async Task<Guid> AddClusterAsync(string name)
    {
        await using var db = hub.App.CreateDbContext();
        var cluster = new BroadWorksCluster { PartnerId = hub.Partner.Partner.Id, Name = name, XsiActionsUrl = "https://xsp.example/com.broadsoft.xsi-actions" };
        db.Clusters.Add(cluster);
        await db.SaveChangesAsync();
        return cluster.Id;
    }

    [Fact]
    public async Task Deleting_a_mapped_template_or_its_cluster_takes_the_mappings_with_it()
    {
        var second = await AddTemplateAsync(hub.Partner.Partner.Id, ClusterId, "Second");
        await using (var db = hub.App.CreateDbContext())
        {
            db.ClusterMappings.AddRange(
                new ClusterMapping { ClusterId = ClusterId, ServiceProviderId = "sp-1", TemplateId = second.Id },
                new ClusterMapping { ClusterId = ClusterId, ServiceProviderId = "sp-2", TemplateId = hub.Partner.Template.Id });
            await db.SaveChangesAsync();
        }

        var browser = await hub.SignInAsync();
        await browser.OpenAsync($"/partner/templates/{second.Id}/delete");
        await browser.SubmitAsync("#delete-form");
        browser.Status.Should().Be(HttpStatusCode.OK);
        (await MappingsAsync()).Select(m => m.ServiceProviderId).Should().Equal("sp-2");

        await browser.OpenAsync($"/partner/clusters/{ClusterId}/delete");
        await browser.SubmitAsync("#delete-form");
        browser.Status.Should().Be(HttpStatusCode.OK);
        await using var check = hub.App.CreateDbContext();
        (await check.Clusters.AnyAsync(c => c.Id == ClusterId)).Should().BeFalse();
        (await check.ClusterMappings.AnyAsync()).Should().BeFalse();
    }
}
