using System.Net;
using System.Text.Json;
using Flowthrough.Clusters;
using Flowthrough.Subscribers;
using Flowthrough.Templates;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.Tests.PartnerHub.Templates;

/// <summary>The template form: every field of the wizard, its checks in both languages, the write-only password.</summary>
public sealed class TemplateEditTests : IAsyncLifetime
{
    private const string Password = "Prov1sioningSecretXyz";

    private HubFixture hub = null!;

    public async ValueTask InitializeAsync() => hub = await HubFixture.StartAsync();

    public async ValueTask DisposeAsync() => await hub.DisposeAsync();

    private Guid ClusterId => hub.Partner.Template.ClusterId;

    private async Task<PortalBrowser> OpenNewFormAsync(string language = "en")
    {
        var browser = await hub.SignInAsync(language: language);
        await browser.OpenAsync("/partner/templates");
        var link = browser.Document.QuerySelector("a[href='/partner/templates/new']")!;
        await browser.OpenAsync(link.GetAttribute("href")!);
        browser.Status.Should().Be(HttpStatusCode.OK);
        return browser;
    }

    private static OnboardingTemplate Load(Flowthrough.Data.FlowthroughDbContext db, string name) =>
        db.Templates.AsNoTracking().Single(t => t.Name == name);

    [Fact]
    public async Task A_template_with_every_field_is_created_and_reads_back()
    {
        var browser = await OpenNewFormAsync();
        browser.Choose("Input.ClusterId", ClusterId.ToString());
        browser.Tick("Input.FlowThroughEnabled");
        browser.Tick("Input.AutoCreateOrganizations", on: false);
        browser.Tick("Input.EnterpriseMode");
        browser.Choose("Input.DefaultPackage", "Premium");
        browser.Tick("Input.DisableFreeCalling");
        browser.Tick("Input.EmailTrust", value: "Trusted");
        browser.Tick("Input.ProvisionAdminFirst");
        browser.Tick("Input.AllowSelfActivation");
        browser.Choose("Input.DefaultAuthenticationMode", "Webex");
        browser.Tick("Input.PrefillUserEmail");
        browser.Tick("Input.PhoneDirectorySync");
        browser.Tick("Input.AllowAdminInviteEmails");
        browser.Choose("Input.DefaultLanguage", "pl");

        await browser.SubmitAsync("#template-form", new Dictionary<string, string>
        {
            ["Input.Name"] = "  Warszawa business  ",
            ["Input.ProvisioningAccountName"] = "bw-provisioner",
            ["Input.ProvisioningPassword"] = Password,
            ["Input.ServiceProviderEmail"] = "support@operator.example",
            ["Input.MeetingJoinConfiguration"] = "join-before-host",
            ["Input.PartnerAdminName"] = "Operator Support",
            ["Input.PasswordResetUrl"] = "https://selfcare.operator.example/reset",
        });

        browser.Status.Should().Be(HttpStatusCode.OK);
        browser.StatusMessage().Should().Be("Template “Warszawa business” created.");
        await using var db = hub.App.CreateDbContext();
        var t = Load(db, "Warszawa business");
        browser.Path.Should().Be($"/partner/templates/{t.Id}");
        t.PartnerId.Should().Be(hub.Partner.Partner.Id);
        t.ClusterId.Should().Be(ClusterId);
        t.ProvisioningId.Should().MatchRegex("^pv-[A-Za-z0-9_-]{20}$");
        t.ActivationSlug.Should().MatchRegex("^[A-Za-z0-9_-]{16}$");
        t.FlowThroughEnabled.Should().BeTrue();
        t.ProvisioningAccountName.Should().Be("bw-provisioner");
        new PasswordHasher<OnboardingTemplate>().VerifyHashedPassword(t, t.ProvisioningPasswordHash!, Password)
            .Should().NotBe(PasswordVerificationResult.Failed);
        t.AutoCreateOrganizations.Should().BeFalse();
        t.ServiceProviderEmail.Should().Be("support@operator.example");
        t.EnterpriseMode.Should().BeTrue();
        t.DefaultPackage.Should().Be(SubscriberPackage.Premium);
        t.DisableFreeCalling.Should().BeTrue();
        t.MeetingJoinConfiguration.Should().Be("join-before-host");
        t.EmailTrust.Should().Be(EmailTrust.Trusted);
        t.ProvisionAdminFirst.Should().BeTrue();
        t.AllowSelfActivation.Should().BeTrue();
        t.DefaultAuthenticationMode.Should().Be(AuthenticationMode.Webex);
        t.PrefillUserEmail.Should().BeTrue();
        t.PhoneDirectorySync.Should().BeTrue();
        t.PartnerAdminName.Should().Be("Operator Support");
        t.AllowAdminInviteEmails.Should().BeTrue();
        t.DefaultLanguage.Should().Be("pl");
        t.PasswordResetUrl.Should().Be("https://selfcare.operator.example/reset");

        // The template page shows the derived identifiers; the edit form shows every stored value back.
        browser.Document.QuerySelector("#provisioning-id")!.TextContent.Should().Be(t.ProvisioningId);
        browser.Document.QuerySelector("#share-link")!.TextContent.Should().Be($"http://flowthrough.test/activate/{t.ActivationSlug}");
        await browser.OpenAsync(browser.Document.QuerySelector($"a[href='/partner/templates/{t.Id}/edit']")!.GetAttribute("href")!);
        browser.ValueOf("Input.Name").Should().Be("Warszawa business");
        browser.ValueOf("Input.ServiceProviderEmail").Should().Be("support@operator.example");
        browser.Document.QuerySelector("input[name='Input.EmailTrust'][value='Trusted']")!.HasAttribute("checked").Should().BeTrue();
        browser.Document.QuerySelector("input[name='Input.AutoCreateOrganizations']")!.HasAttribute("checked").Should().BeFalse();
        browser.Document.QuerySelector("select[name='Input.DefaultPackage'] option[selected]")!.GetAttribute("value").Should().Be("Premium");
        browser.Document.QuerySelector("#password-hint")!.TextContent.Should().Contain("Leave the field empty to keep it");

        var audit = db.AdminAuditEvents.AsNoTracking().Single(a => a.Target == t.Id.ToString());
        audit.Action.Should().Be("template.create");
        audit.AdminId.Should().Be(hub.Admin.Id);
        audit.Data.Should().Contain("ProvisioningPasswordHash").And.NotContain(Password).And.NotContain(t.ProvisioningPasswordHash!);
    }

    [Fact]
    public async Task Each_wrong_field_gets_its_message_in_english_and_the_form_keeps_what_was_typed()
    {
        var browser = await OpenNewFormAsync();
        browser.Tick("Input.FlowThroughEnabled");

        await browser.SubmitAsync("#template-form", new Dictionary<string, string>
        {
            ["Input.Name"] = " ",
            ["Input.ClusterId"] = "",
            ["Input.ProvisioningAccountName"] = "bw-provisioner",
            ["Input.ServiceProviderEmail"] = "not-an-email",
            ["Input.PasswordResetUrl"] = "ftp://selfcare.example/reset",
            ["Input.PartnerAdminName"] = "Kept Name",
        });

        browser.Status.Should().Be(HttpStatusCode.OK);
        browser.Path.Should().Be("/partner/templates/new");
        browser.MessageFor("Input.Name").Should().Be("Enter a name.");
        browser.MessageFor("Input.ClusterId").Should().Be("Choose a BroadWorks cluster.");
        browser.MessageFor("Input.ProvisioningPassword").Should()
            .Be("Enter the provisioning account password: flow-through provisioning needs one.");
        browser.MessageFor("Input.ServiceProviderEmail").Should().Be("Enter a valid email address, such as support@provider.example.");
        browser.MessageFor("Input.PasswordResetUrl").Should().Be("Enter an absolute URL starting with http:// or https://.");
        browser.MessageFor("Input.ProvisioningAccountName").Should().BeEmpty();
        browser.ValueOf("Input.ServiceProviderEmail").Should().Be("not-an-email");
        browser.ValueOf("Input.PasswordResetUrl").Should().Be("ftp://selfcare.example/reset");
        browser.ValueOf("Input.PartnerAdminName").Should().Be("Kept Name");
        browser.Document.QuerySelector("input[name='Input.FlowThroughEnabled']")!.HasAttribute("checked").Should().BeTrue();
        await using var db = hub.App.CreateDbContext();
        (await db.Templates.CountAsync(t => t.PartnerId == hub.Partner.Partner.Id)).Should().Be(1);
    }

    [Fact]
    public async Task A_name_that_is_too_long_and_a_missing_account_name_are_refused()
    {
        var browser = await OpenNewFormAsync();
        browser.Choose("Input.ClusterId", ClusterId.ToString());
        browser.Tick("Input.FlowThroughEnabled");

        await browser.SubmitAsync("#template-form", new Dictionary<string, string>
        {
            ["Input.Name"] = new('x', 201),
            ["Input.ProvisioningPassword"] = Password,
        });

        browser.MessageFor("Input.Name").Should().Be("Use at most 200 characters.");
        browser.MessageFor("Input.ProvisioningAccountName").Should().Be("Enter the provisioning account name: flow-through provisioning needs it.");
        browser.Html().Should().NotContain(Password);
    }

    [Fact]
    public async Task Another_partners_cluster_is_a_validation_error_and_nothing_is_saved()
    {
        var other = await hub.App.CreatePartnerAsync();
        var browser = await OpenNewFormAsync();

        await browser.SubmitAsync("#template-form", new Dictionary<string, string>
        {
            ["Input.Name"] = "Foreign cluster",
            ["Input.ClusterId"] = other.Template.ClusterId.ToString(),
        });

        browser.Status.Should().Be(HttpStatusCode.OK);
        browser.MessageFor("Input.ClusterId").Should().Be("Choose one of your BroadWorks clusters.");
        await using var db = hub.App.CreateDbContext();
        (await db.Templates.AnyAsync(t => t.Name == "Foreign cluster")).Should().BeFalse();

        // Editing a template cannot move it onto another partner's cluster either.
        await browser.OpenAsync($"/partner/templates/{hub.Partner.Template.Id}/edit");
        await browser.SubmitAsync("#template-form", new Dictionary<string, string>
        {
            ["Input.ClusterId"] = other.Template.ClusterId.ToString(),
        });
        browser.MessageFor("Input.ClusterId").Should().Be("Choose one of your BroadWorks clusters.");
        (await db.Templates.AsNoTracking().SingleAsync(t => t.Id == hub.Partner.Template.Id)).ClusterId.Should().Be(ClusterId);
    }

    [Fact]
    public async Task Messages_are_in_polish_for_a_polish_admin()
    {
        var browser = await OpenNewFormAsync("pl");
        browser.Tick("Input.FlowThroughEnabled");
        browser.Text.Should().Contain("Zaufane wiadomości e-mail").And.Contain("Niezaufane wiadomości e-mail")
            .And.Contain("Włącz aprowizację przepływową BroadWorks");

        await browser.SubmitAsync("#template-form", new Dictionary<string, string>
        {
            ["Input.Name"] = "",
            ["Input.ServiceProviderEmail"] = "zły adres",
            ["Input.PasswordResetUrl"] = "reset",
        });

        browser.MessageFor("Input.Name").Should().Be("Wpisz nazwę.");
        browser.MessageFor("Input.ClusterId").Should().Be("Wybierz klaster BroadWorks.");
        browser.MessageFor("Input.ProvisioningPassword").Should().Be("Wpisz hasło konta aprowizacji: wymaga go aprowizacja przepływowa.");
        browser.MessageFor("Input.ServiceProviderEmail").Should().Be("Wpisz prawidłowy adres e-mail, np. support@provider.example.");
        browser.MessageFor("Input.PasswordResetUrl").Should().Be("Wpisz pełny adres URL zaczynający się od http:// lub https://.");
    }

    [Fact]
    public async Task Editing_keeps_the_stored_password_when_the_field_is_empty_and_replaces_it_when_given()
    {
        var browser = await OpenNewFormAsync();
        browser.Choose("Input.ClusterId", ClusterId.ToString());
        browser.Tick("Input.FlowThroughEnabled");
        await browser.SubmitAsync("#template-form", new Dictionary<string, string>
        {
            ["Input.Name"] = "Password keeper",
            ["Input.ProvisioningAccountName"] = "bw-provisioner",
            ["Input.ProvisioningPassword"] = Password,
        });
        await using var db = hub.App.CreateDbContext();
        var created = Load(db, "Password keeper");
        var hasher = new PasswordHasher<OnboardingTemplate>();

        await browser.OpenAsync($"/partner/templates/{created.Id}/edit");
        browser.ValueOf("Input.ProvisioningPassword").Should().BeEmpty();
        browser.Html().Should().NotContain(Password).And.NotContain(created.ProvisioningPasswordHash!);
        await browser.SubmitAsync("#template-form", new Dictionary<string, string> { ["Input.Name"] = "Password keeper 2" });

        browser.StatusMessage().Should().Be("Template “Password keeper 2” saved.");
        var kept = Load(db, "Password keeper 2");
        kept.ProvisioningPasswordHash.Should().Be(created.ProvisioningPasswordHash);
        hasher.VerifyHashedPassword(kept, kept.ProvisioningPasswordHash!, Password).Should().NotBe(PasswordVerificationResult.Failed);

        await browser.OpenAsync($"/partner/templates/{created.Id}/edit");
        await browser.SubmitAsync("#template-form", new Dictionary<string, string> { ["Input.ProvisioningPassword"] = "Replacement-Secret-42" });

        var replaced = Load(db, "Password keeper 2");
        hasher.VerifyHashedPassword(replaced, replaced.ProvisioningPasswordHash!, "Replacement-Secret-42")
            .Should().NotBe(PasswordVerificationResult.Failed);
        hasher.VerifyHashedPassword(replaced, replaced.ProvisioningPasswordHash!, Password)
            .Should().Be(PasswordVerificationResult.Failed);
        var audits = await db.AdminAuditEvents.AsNoTracking().Where(a => a.Target == created.Id.ToString()).OrderBy(a => a.At)
            .ThenBy(a => a.Id).ToListAsync();
        audits.Select(a => a.Action).Should().Equal("template.create", "template.update", "template.update");
        JsonDocument.Parse(audits[1].Data!).RootElement.GetProperty("changed").EnumerateArray().Select(e => e.GetString())
            .Should().Equal("Name");
        audits.Should().OnlyContain(a => !a.Data!.Contains(Password) && !a.Data.Contains("Replacement-Secret-42"));
    }

    [Fact]
    public async Task The_password_never_appears_in_any_page()
    {
        var browser = await OpenNewFormAsync();
        browser.Tick("Input.FlowThroughEnabled");

        // A failed submit does not echo the password back...
        await browser.SubmitAsync("#template-form", new Dictionary<string, string>
        {
            ["Input.Name"] = "Never shown",
            ["Input.ClusterId"] = ClusterId.ToString(),
            ["Input.ProvisioningAccountName"] = "bw",
            ["Input.ProvisioningPassword"] = Password,
            ["Input.ServiceProviderEmail"] = "bad",
        });
        browser.MessageFor("Input.ServiceProviderEmail").Should().NotBeEmpty();
        browser.Html().Should().NotContain(Password);
        browser.ValueOf("Input.ProvisioningPassword").Should().BeEmpty();

        // ...nor does a successful one, the template page, the list or the edit form.
        await browser.SubmitAsync("#template-form", new Dictionary<string, string>
        {
            ["Input.ProvisioningPassword"] = Password,
            ["Input.ServiceProviderEmail"] = "",
        });
        browser.StatusMessage().Should().Be("Template “Never shown” created.");
        await using var db = hub.App.CreateDbContext();
        var t = Load(db, "Never shown");
        foreach (var path in new[] { $"/partner/templates/{t.Id}", "/partner/templates", $"/partner/templates/{t.Id}/edit" })
        {
            await browser.OpenAsync(path);
            browser.Status.Should().Be(HttpStatusCode.OK);
            browser.Html().Should().NotContain(Password, path).And.NotContain(t.ProvisioningPasswordHash!, path);
        }
    }

    [Fact]
    public async Task A_read_only_admin_sees_the_form_but_every_post_is_refused()
    {
        var browser = await hub.SignInAsync(hub.ReadOnlyAdmin);

        await browser.OpenAsync("/partner/templates/new");
        browser.Status.Should().Be(HttpStatusCode.OK);
        await browser.SubmitAsync("#template-form", new Dictionary<string, string>
        {
            ["Input.Name"] = "Read-only attempt",
            ["Input.ClusterId"] = ClusterId.ToString(),
        });
        browser.Status.Should().Be(HttpStatusCode.Forbidden);

        await browser.OpenAsync($"/partner/templates/{hub.Partner.Template.Id}/edit");
        browser.Status.Should().Be(HttpStatusCode.OK);
        await browser.SubmitAsync("#template-form", new Dictionary<string, string> { ["Input.Name"] = "Renamed" });
        browser.Status.Should().Be(HttpStatusCode.Forbidden);

        await using var db = hub.App.CreateDbContext();
        (await db.Templates.AnyAsync(t => t.Name == "Read-only attempt" || t.Name == "Renamed")).Should().BeFalse();
        (await db.AdminAuditEvents.AnyAsync(a => a.PartnerId == hub.Partner.Partner.Id)).Should().BeFalse();
    }

    [Fact]
    public async Task Another_partners_template_cannot_be_opened_or_changed()
    {
        var other = await hub.App.CreatePartnerAsync();
        var browser = await hub.SignInAsync();

        await browser.OpenAsync($"/partner/templates/{other.Template.Id}/edit");
        browser.Status.Should().Be(HttpStatusCode.NotFound);

        // The own form, aimed at the other partner's template.
        await browser.OpenAsync($"/partner/templates/{hub.Partner.Template.Id}/edit");
        browser.Document.QuerySelector("#template-form")!.SetAttribute("action", $"/partner/templates/{other.Template.Id}/edit");
        await browser.SubmitAsync("#template-form", new Dictionary<string, string> { ["Input.Name"] = "Hijacked" });

        browser.Status.Should().Be(HttpStatusCode.NotFound);
        await using var db = hub.App.CreateDbContext();
        (await db.Templates.AsNoTracking().SingleAsync(t => t.Id == other.Template.Id)).Name.Should().Be(other.Template.Name);
    }

    [Fact]
    public async Task The_cluster_list_offers_only_the_partners_own_clusters()
    {
        var other = await hub.App.CreatePartnerAsync();
        await using (var db = hub.App.CreateDbContext())
        {
            db.Clusters.Add(new BroadWorksCluster
            {
                PartnerId = hub.Partner.Partner.Id,
                Name = "Second XSP",
                XsiActionsUrl = "https://xsp2.example/com.broadsoft.xsi-actions",
            });
            await db.SaveChangesAsync();
        }

        var browser = await OpenNewFormAsync();

        var offered = browser.Document.QuerySelectorAll("select[name='Input.ClusterId'] option").Select(o => o.GetAttribute("value")).ToList();
        offered.Should().HaveCount(3).And.Contain(ClusterId.ToString()).And.NotContain(other.Template.ClusterId.ToString());
    }
}
