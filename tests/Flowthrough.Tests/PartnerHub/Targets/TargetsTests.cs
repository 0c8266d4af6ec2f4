using System.Net;
using Flowthrough.Provisioning.Targets;
using Flowthrough.Provisioning.Targets.Scim;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.Tests.PartnerHub.Targets;

/// <summary>Settings → Provisioning targets: list, add, edit (the secret write-only and protected), delete, and the template's target.</summary>
public sealed class TargetsTests : IAsyncLifetime
{
    private const string Secret = "s3cret-Bearer-Token-Value-0042";

    /// <summary>The test partner's template has flow-through on and no account yet: every save of its form sets one.</summary>
    private static Dictionary<string, string> TemplateFields(string targetId) => new()
    {
        ["Input.TargetId"] = targetId,
        ["Input.ProvisioningAccountName"] = "bw-provisioning",
        ["Input.ProvisioningPassword"] = "Provisioning-Pass-1",
    };

    private HubFixture hub = null!;

    public async ValueTask InitializeAsync() => hub = await HubFixture.StartAsync();

    public async ValueTask DisposeAsync() => await hub.DisposeAsync();

    private static Dictionary<string, string> Fields(string name, string baseUrl, string secret = Secret) => new()
    {
        ["Input.Name"] = name,
        ["Input.BaseUrl"] = baseUrl,
        ["Input.Secret"] = secret,
    };

    internal static async Task<ProvisioningTarget> AddTargetAsync(FlowthroughApplication app, Guid partnerId, string name,
        string baseUrl = "https://idp.example/scim/v2", string? secret = Secret)
    {
        await using var db = app.CreateDbContext();
        var target = new ProvisioningTarget
        {
            PartnerId = partnerId,
            Name = name,
            BaseUrl = baseUrl,
            ProtectedSecret = secret is null ? null : app.Service<TargetSecrets>().Protect(secret),
            Created = DateTime.UtcNow,
            Revision = 1,
        };
        db.ProvisioningTargets.Add(target);
        await db.SaveChangesAsync();
        return target;
    }

    [Fact]
    public async Task A_target_is_added_listed_and_edited_and_its_secret_is_stored_protected_and_never_shown()
    {
        var browser = await hub.SignInAsync();
        await browser.OpenAsync("/partner/settings");
        await browser.OpenAsync(browser.Document.QuerySelector("a[href='/partner/targets']")!.GetAttribute("href")!);
        browser.Status.Should().Be(HttpStatusCode.OK);
        var first = browser.Document.QuerySelector("#targets tbody tr")!;
        first.GetAttribute("data-target").Should().Be("built-in");
        first.TextContent.Should().Contain("Built-in directory").And.Contain("Template").And.Contain("Closed (calls go through)");

        await browser.OpenAsync(browser.Document.QuerySelector("#add-target")!.GetAttribute("href")!);
        browser.Path.Should().Be("/partner/targets/new");
        browser.Document.QuerySelector("#mapping")!.TextContent.Should().Be(ScimMapping.Default);
        browser.Document.QuerySelector("#secret-state")!.GetAttribute("data-saved").Should().Be("false");
        await browser.SubmitAsync("#target-form", Fields("Okta", "https://acme.okta.example/scim/v2"));

        browser.StatusMessage().Should().Be("Provisioning target “Okta” added.");
        await using var db = hub.App.CreateDbContext();
        var target = await db.ProvisioningTargets.AsNoTracking().SingleAsync(t => t.PartnerId == hub.Partner.Partner.Id);
        browser.Path.Should().Be($"/partner/targets/{target.Id}");
        target.Kind.Should().Be(TargetKind.Scim);
        target.BaseUrl.Should().Be("https://acme.okta.example/scim/v2");
        target.Authentication.Should().Be(TargetAuthentication.BearerToken);
        target.ProtectedSecret.Should().NotBeNullOrEmpty().And.NotContain(Secret);
        hub.App.Service<TargetSecrets>().Unprotect(target.ProtectedSecret).Should().Be(Secret);
        target.Revision.Should().Be(1);
        target.TimeoutSeconds.Should().Be(30);
        target.MaxConcurrency.Should().Be(8);
        browser.Html().Should().NotContain(Secret).And.NotContain(target.ProtectedSecret!);
        browser.ValueOf("Input.Secret").Should().BeEmpty();
        browser.Document.QuerySelector("#secret-state")!.GetAttribute("data-saved").Should().Be("true");
        browser.Document.QuerySelector("#secret-state")!.TextContent.Should().StartWith("Saved.");

        // Blank secret on edit keeps the saved one; every other field changes.
        browser.Tick("Input.RemovalMode", value: nameof(RemovalMode.Delete));
        browser.Tick("Input.PackageMode", value: nameof(PackageMode.Attribute));
        await browser.SubmitAsync("#target-form", new Dictionary<string, string>
        {
            ["Input.Name"] = "Okta EU",
            ["Input.Secret"] = "",
            ["Input.PackageAttribute"] = "title",
            ["Input.TimeoutSeconds"] = "12",
            ["Input.MaxConcurrentRequests"] = "64",
        });
        browser.StatusMessage().Should().Be("Provisioning target “Okta EU” saved.");
        var edited = await db.ProvisioningTargets.AsNoTracking().SingleAsync(t => t.Id == target.Id);
        edited.Name.Should().Be("Okta EU");
        edited.ProtectedSecret.Should().Be(target.ProtectedSecret);
        edited.RemovalMode.Should().Be(RemovalMode.Delete);
        edited.PackageMode.Should().Be(PackageMode.Attribute);
        edited.PackageAttribute.Should().Be("title");
        edited.TimeoutSeconds.Should().Be(12);
        edited.MaxConcurrency.Should().Be(64);
        edited.Revision.Should().Be(2);

        // A new secret replaces it, protected again.
        await browser.SubmitAsync("#target-form", new Dictionary<string, string> { ["Input.Secret"] = "replacement-token-77" });
        var replaced = await db.ProvisioningTargets.AsNoTracking().SingleAsync(t => t.Id == target.Id);
        hub.App.Service<TargetSecrets>().Unprotect(replaced.ProtectedSecret).Should().Be("replacement-token-77");
        browser.Html().Should().NotContain("replacement-token-77");

        await browser.OpenAsync("/partner/targets");
        var row = browser.Document.QuerySelector($"#targets tr[data-target='{target.Id}']")!;
        row.TextContent.Should().Contain("Okta EU").And.Contain("SCIM 2.0").And.Contain("https://acme.okta.example/scim/v2")
            .And.Contain("Closed (calls go through)");
        row.QuerySelector(".templates")!.TextContent.Should().Be("–");

        var audits = await db.AdminAuditEvents.AsNoTracking().Where(a => a.Target == target.Id.ToString()).OrderBy(a => a.At).ToListAsync();
        audits.Select(a => a.Action).Should().Equal("target.create", "target.update", "target.update");
        audits.Should().OnlyContain(a => !a.Data!.Contains(Secret) && !a.Data.Contains("replacement-token-77")
            && !a.Data.Contains(target.ProtectedSecret!));
        audits[^1].Data.Should().Contain("ProtectedSecret");
    }

    [Fact]
    public async Task Wrong_fields_get_their_messages_at_the_field_in_english_and_polish_and_nothing_is_saved()
    {
        var browser = await hub.SignInAsync();
        await browser.OpenAsync("/partner/targets/new");
        browser.Tick("Input.OrganizationMode", value: nameof(OrganizationMode.BaseUrlPerCustomer));
        await browser.SubmitAsync("#target-form", new Dictionary<string, string>
        {
            ["Input.Name"] = "",
            ["Input.BaseUrl"] = "https://idp.example/scim/v2",
            ["Input.Secret"] = Secret,
            ["Input.Mapping"] = "userName = email\nname.givenName = nickname\nthis line has no equals sign",
            ["Input.TimeoutSeconds"] = "0",
            ["Input.MaxConcurrentRequests"] = "65",
        });

        browser.Status.Should().Be(HttpStatusCode.OK);
        browser.MessageFor("Input.Name").Should().Be("Enter a name.");
        browser.MessageFor("Input.BaseUrl").Should().Be("With a base URL per customer, the URL must contain {spEnterpriseId}.");
        var mapping = browser.Document.QuerySelectorAll("#mapping-errors li").Select(li => li.TextContent).ToList();
        mapping.Should().HaveCount(3);
        mapping[0].Should().Be("Correct the attribute mapping:");
        mapping[1].Should().StartWith("Line 2: unknown source \"nickname\"");
        mapping[2].Should().Be("Line 3: expected \"scimPath = source\".");
        browser.Document.QuerySelector("#mapping")!.TextContent.Should().Contain("nickname");
        browser.MessageFor("Input.TimeoutSeconds").Should().Be("Enter a whole number from 1 to 300.");
        browser.MessageFor("Input.MaxConcurrentRequests").Should().Be("Enter a whole number from 1 to 64.");
        browser.ValueOf("Input.Secret").Should().BeEmpty();
        browser.Html().Should().NotContain(Secret);

        browser.Tick("Input.Authentication", value: nameof(TargetAuthentication.OAuthClientCredentials));
        browser.Tick("Input.OrganizationMode", value: nameof(OrganizationMode.Group));
        await browser.SubmitAsync("#target-form", new Dictionary<string, string>
        {
            ["Input.Name"] = "OAuth",
            ["Input.BaseUrl"] = "idp.example/scim/v2",
            ["Input.Secret"] = "",
            ["Input.Mapping"] = "",
        });
        browser.MessageFor("Input.BaseUrl").Should().Be("Enter an absolute URL starting with http:// or https://.");
        browser.MessageFor("Input.TokenUrl").Should().Be("Enter the token URL.");
        browser.MessageFor("Input.ClientId").Should().Be("Enter the client ID.");
        browser.MessageFor("Input.Secret").Should().Be("Enter the client secret.");
        browser.Document.QuerySelector("#mapping-errors").Should().BeNull("an empty mapping means the default one");

        var polish = await hub.SignInAsync(language: "pl");
        await polish.OpenAsync("/partner/targets/new");
        await polish.SubmitAsync("#target-form", new Dictionary<string, string>
        {
            ["Input.Name"] = "", ["Input.BaseUrl"] = "", ["Input.Mapping"] = "name.givenName = firstName", ["Input.TimeoutSeconds"] = "abc",
        });
        polish.MessageFor("Input.Name").Should().Be("Wpisz nazwę.");
        polish.MessageFor("Input.BaseUrl").Should().Be("Wpisz bazowy adres URL SCIM.");
        polish.MessageFor("Input.Secret").Should().Be("Wpisz token okaziciela.");
        polish.MessageFor("Input.TimeoutSeconds").Should().Be("Wpisz liczbę całkowitą od 1 do 300.");
        polish.Document.QuerySelector("#mapping-errors li")!.TextContent.Should().Be("Popraw mapowanie atrybutów:");
        polish.Document.QuerySelector("#mapping-errors")!.TextContent.Should().Contain("userName");

        await using var db = hub.App.CreateDbContext();
        (await db.ProvisioningTargets.CountAsync(t => t.PartnerId == hub.Partner.Partner.Id)).Should().Be(0);
    }

    [Fact]
    public async Task A_second_target_of_the_same_name_is_refused()
    {
        await AddTargetAsync(hub.App, hub.Partner.Partner.Id, "Entra ID");
        var browser = await hub.SignInAsync();
        await browser.OpenAsync("/partner/targets/new");
        await browser.SubmitAsync("#target-form", Fields("Entra ID", "https://graph.example/scim/v2"));
        browser.MessageFor("Input.Name").Should().Be("Another provisioning target already has this name.");
    }

    [Fact]
    public async Task A_template_chooses_its_target_its_pages_show_the_breaker_and_another_partners_target_is_refused()
    {
        var target = await AddTargetAsync(hub.App, hub.Partner.Partner.Id, "Keycloak");
        var other = await hub.App.CreatePartnerAsync();
        var foreign = await AddTargetAsync(hub.App, other.Partner.Id, "Foreign");
        var browser = await hub.SignInAsync();
        var templateId = hub.Partner.Template.Id;

        await browser.OpenAsync($"/partner/templates/{templateId}/edit");
        var options = browser.Document.QuerySelectorAll("#target option").Select(o => (o.GetAttribute("value"), o.TextContent)).ToList();
        options.Should().Equal(("", "Built-in directory"), (target.Id.ToString(), "Keycloak"));
        browser.Choose("Input.TargetId", target.Id.ToString());
        await browser.SubmitAsync("#template-form", TemplateFields(target.Id.ToString()));
        browser.Path.Should().Be($"/partner/templates/{templateId}",
            string.Join(" | ", browser.Document.QuerySelectorAll(".field-validation-error, .validation-summary-errors").Select(e => e.TextContent)));
        await using var db = hub.App.CreateDbContext();
        (await db.Templates.AsNoTracking().SingleAsync(t => t.Id == templateId)).TargetId.Should().Be(target.Id);
        browser.Document.QuerySelector("#template-target")!.TextContent.Trim().Should().Be("Keycloak");
        browser.Document.QuerySelector("#breaker-state")!.TextContent.Should().Be("Closed (calls go through)");
        (await db.AdminAuditEvents.AsNoTracking().Where(a => a.Target == templateId.ToString() && a.Action == "template.update")
            .Select(a => a.Data).SingleAsync()).Should().Contain("TargetId");

        await browser.OpenAsync($"/partner/templates/{templateId}/dashboard");
        browser.Document.QuerySelector("#dashboard-target #template-target")!.TextContent.Trim().Should().Be("Keycloak");
        browser.Document.QuerySelector("#dashboard-target #breaker-state")!.TextContent.Should().Be("Closed (calls go through)");

        var polish = await hub.SignInAsync(language: "pl");
        await polish.OpenAsync($"/partner/templates/{templateId}");
        polish.Document.QuerySelector("#breaker-state")!.TextContent.Should().Be("Zamknięty (wywołania przechodzą)");

        // Another partner's target, posted by hand, is refused and nothing changes.
        await browser.OpenAsync($"/partner/templates/{templateId}/edit");
        await browser.SubmitAsync("#template-form", TemplateFields(foreign.Id.ToString()));
        browser.MessageFor("Input.TargetId").Should().Be("Choose one of your provisioning targets.");
        (await db.Templates.AsNoTracking().SingleAsync(t => t.Id == templateId)).TargetId.Should().Be(target.Id);

        // The list names the template beside its target; back to the built-in directory.
        await browser.OpenAsync("/partner/targets");
        browser.Document.QuerySelector($"#targets tr[data-target='{target.Id}'] .templates")!.TextContent.Should().Be("Template");
        browser.Document.QuerySelector("#targets tr[data-target='built-in'] .templates")!.TextContent.Should().Be("–");
        await browser.OpenAsync($"/partner/templates/{templateId}/edit");
        await browser.SubmitAsync("#template-form", TemplateFields(""));
        (await db.Templates.AsNoTracking().SingleAsync(t => t.Id == templateId)).TargetId.Should().BeNull();
        browser.Document.QuerySelector("#template-target")!.TextContent.Trim().Should().Be("Built-in directory");
    }

    [Fact]
    public async Task Delete_is_refused_while_a_template_uses_the_target_and_works_once_none_does()
    {
        var target = await AddTargetAsync(hub.App, hub.Partner.Partner.Id, "Webex identity");
        await using var db = hub.App.CreateDbContext();
        await db.Templates.Where(t => t.Id == hub.Partner.Template.Id).ExecuteUpdateAsync(u => u.SetProperty(t => t.TargetId, target.Id));
        var browser = await hub.SignInAsync();

        await browser.OpenAsync($"/partner/targets/{target.Id}");
        await browser.OpenAsync(browser.Document.QuerySelector("#delete-target")!.GetAttribute("href")!);
        browser.Document.QuerySelector("#delete-refused")!.TextContent.Should()
            .Contain("It cannot be deleted: 1 template(s) provision into it.");
        browser.Document.QuerySelectorAll("#delete-templates li").Select(li => li.TextContent).Should().Equal("Template");
        browser.Document.QuerySelector("#delete-form").Should().BeNull();

        // Posting anyway (a stale page) is refused the same way.
        var refused = await browser.Client.PostAsync($"/partner/targets/{target.Id}/delete",
            new FormUrlEncodedContent([new("__RequestVerificationToken", await AntiforgeryAsync(browser, target.Id))]));
        refused.StatusCode.Should().Be(HttpStatusCode.OK);
        (await refused.Content.ReadAsStringAsync()).Should().Contain("delete-refused");
        (await db.ProvisioningTargets.AnyAsync(t => t.Id == target.Id)).Should().BeTrue();

        await db.Templates.Where(t => t.Id == hub.Partner.Template.Id).ExecuteUpdateAsync(u => u.SetProperty(t => t.TargetId, (Guid?)null));
        await browser.OpenAsync($"/partner/targets/{target.Id}/delete");
        await browser.SubmitAsync("#delete-form");
        browser.Path.Should().Be("/partner/targets");
        browser.StatusMessage().Should().Be("Provisioning target “Webex identity” deleted.");
        (await db.ProvisioningTargets.AnyAsync(t => t.Id == target.Id)).Should().BeFalse();
        (await db.AdminAuditEvents.AnyAsync(a => a.Target == target.Id.ToString() && a.Action == "target.delete")).Should().BeTrue();
    }

    /// <summary>The antiforgery token of the delete page as it was before the target became used.</summary>
    private static async Task<string> AntiforgeryAsync(PortalBrowser browser, Guid targetId)
    {
        await browser.OpenAsync($"/partner/targets/{targetId}");
        return browser.Document.QuerySelector("input[name='__RequestVerificationToken']")!.GetAttribute("value")!;
    }

    [Fact]
    public async Task A_read_only_admin_sees_targets_but_cannot_add_edit_test_or_delete()
    {
        var target = await AddTargetAsync(hub.App, hub.Partner.Partner.Id, "Read only");
        var browser = await hub.SignInAsync(hub.ReadOnlyAdmin);

        await browser.OpenAsync("/partner/targets");
        browser.Status.Should().Be(HttpStatusCode.OK);
        await browser.OpenAsync("/partner/targets/new");
        await browser.SubmitAsync("#target-form", Fields("Nope", "https://idp.example/scim/v2"));
        browser.Status.Should().Be(HttpStatusCode.Forbidden);

        await browser.OpenAsync($"/partner/targets/{target.Id}");
        await browser.SubmitAsync("#target-form", new Dictionary<string, string> { ["Input.Name"] = "Renamed" });
        browser.Status.Should().Be(HttpStatusCode.Forbidden);
        await browser.OpenAsync($"/partner/targets/{target.Id}");
        await browser.SubmitWithAsync("#target-form", "#test-target");
        browser.Status.Should().Be(HttpStatusCode.Forbidden);
        await browser.OpenAsync($"/partner/targets/{target.Id}/delete");
        await browser.SubmitAsync("#delete-form");
        browser.Status.Should().Be(HttpStatusCode.Forbidden);

        await using var db = hub.App.CreateDbContext();
        (await db.ProvisioningTargets.AsNoTracking().SingleAsync(t => t.PartnerId == hub.Partner.Partner.Id)).Name.Should().Be("Read only");
    }

    [Fact]
    public async Task Another_partners_target_is_404()
    {
        var other = await hub.App.CreatePartnerAsync();
        var foreign = await AddTargetAsync(hub.App, other.Partner.Id, "Foreign");
        var browser = await hub.SignInAsync();

        await browser.OpenAsync($"/partner/targets/{foreign.Id}");
        browser.Status.Should().Be(HttpStatusCode.NotFound);
        await browser.OpenAsync($"/partner/targets/{foreign.Id}/delete");
        browser.Status.Should().Be(HttpStatusCode.NotFound);

        await browser.OpenAsync("/partner/targets/new");
        browser.Document.QuerySelector("#target-form")!.SetAttribute("action", $"/partner/targets/{foreign.Id}");
        await browser.SubmitAsync("#target-form", Fields("Hijacked", "https://evil.example/scim/v2"));
        browser.Status.Should().Be(HttpStatusCode.NotFound);

        await browser.OpenAsync("/partner/targets");
        browser.Text.Should().NotContain("Foreign");
        await using var db = hub.App.CreateDbContext();
        (await db.ProvisioningTargets.AsNoTracking().SingleAsync(t => t.Id == foreign.Id)).Name.Should().Be("Foreign");
    }
}
