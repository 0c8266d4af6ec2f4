using Flowthrough.Clusters;
using Flowthrough.Data;
using Flowthrough.Operations;
using Flowthrough.Partners;
using Flowthrough.Provisioning.Targets;
using Flowthrough.Templates;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Flowthrough.Tests.Operations;

/// <summary>The command-line verbs, run as a real process the way an operator runs them.</summary>
public sealed class CommandsTests
{
    private static Task<AppProcess.Result> RunAsync(TestDatabase database, params string[] args) =>
        AppProcess.RunAsync(database, args);

    [Fact]
    public async Task Migrate_builds_the_schema_of_an_empty_database()
    {
        await using var database = await TestDatabase.CreateEmptyAsync();

        var (exitCode, output, error) = await RunAsync(database, "migrate");

        exitCode.Should().Be(0, error);
        output.Should().Contain("Database is up to date");
        await using var db = database.CreateContext();
        (await db.Database.GetPendingMigrationsAsync()).Should().BeEmpty();
        (await db.Database.GetAppliedMigrationsAsync()).Should().NotBeEmpty();
    }

    [Fact]
    public async Task Create_token_prints_a_secret_once_and_stores_only_its_hash()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using (var db = database.CreateContext())
        {
            db.Partners.Add(new Partner { Name = "Acme Telecom", Created = DateTime.UtcNow });
            await db.SaveChangesAsync();
        }

        var (exitCode, output, error) = await RunAsync(database, "create-token", "--partner", "Acme Telecom",
            "--scopes", "read", "--name", "CRM sync");

        exitCode.Should().Be(0, error);
        var secret = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];
        secret.Should().StartWith("ft_");
        await using var check = database.CreateContext();
        var token = await check.ApiTokens.SingleAsync();
        token.TokenHash.Should().Be(ApiToken.Hash(secret)).And.NotContain(secret);
        token.Scopes.Should().Be(ApiToken.ReadScope);
        token.Name.Should().Be("CRM sync");
    }

    [Fact]
    public async Task Create_token_for_an_unknown_partner_or_scope_fails_with_a_message()
    {
        await using var database = await TestDatabase.CreateAsync();

        var unknownPartner = await RunAsync(database, "create-token", "--partner", "Nobody");
        unknownPartner.ExitCode.Should().Be(1);
        unknownPartner.Error.Should().Contain("No partner");

        var unknownScope = await RunAsync(database, "create-token", "--partner", "Nobody", "--scopes", "admin");
        unknownScope.ExitCode.Should().Be(2);
        unknownScope.Error.Should().Contain("Unknown scope");
    }

    [Fact]
    public async Task Create_partner_creates_one_and_refuses_a_duplicate_name_clearly()
    {
        await using var database = await TestDatabase.CreateAsync();

        var created = await RunAsync(database, "create-partner", "Acme Telecom");
        created.ExitCode.Should().Be(0, created.Error);
        created.Output.Should().Contain("Partner created: Acme Telecom").And.Contain("create-admin --partner \"Acme Telecom\"");

        var duplicate = await RunAsync(database, "create-partner", "Acme Telecom");
        duplicate.ExitCode.Should().Be(1);
        duplicate.Error.Should().Contain("A partner named 'Acme Telecom' already exists; nothing was created.");

        var usage = await RunAsync(database, "create-partner");
        usage.ExitCode.Should().Be(2);
        usage.Error.Should().StartWith("Usage: create-partner NAME");

        await using var db = database.CreateContext();
        (await db.Partners.CountAsync(p => p.Name == "Acme Telecom")).Should().Be(1);
    }

    [Fact]
    public async Task Create_admin_prints_a_one_time_link_and_stores_only_its_hash()
    {
        await using var database = await TestDatabase.CreateAsync();
        await RunAsync(database, "create-partner", "Acme Telecom");
        var environment = AppProcess.EnvironmentFor(database);
        environment["PublicBaseUrl"] = "https://flowthrough.example.com";

        var first = await AppProcess.RunAsync(environment, "create-admin", "--partner", "Acme Telecom", "--email",
            "admin@acme.example", "--role", "read-only");

        first.ExitCode.Should().Be(0, first.Error);
        first.Output.Should().Contain("Admin admin@acme.example (read-only admin) created for Acme Telecom.");
        var link = LastLine(first.Output);
        link.Should().StartWith("https://flowthrough.example.com/partner/set-password/");
        await using var db = database.CreateContext();
        var admin = await db.PartnerAdmins.AsNoTracking().SingleAsync();
        admin.Role.Should().Be(PartnerAdminRole.ReadOnly);
        admin.PasswordHash.Should().BeNull();
        var invitation = await db.AdminInvitations.AsNoTracking().SingleAsync();
        invitation.TokenHash.Should().Be(Secrets.Hash(link.Split('/')[^1]));
        (await db.AdminAuditEvents.AsNoTracking().SingleAsync()).Action.Should().Be("admin.invite");

        // Run again while no password is set: a new link replaces the first.
        var again = await AppProcess.RunAsync(environment, "create-admin", "--partner", "Acme Telecom", "--email", "admin@acme.example");
        again.ExitCode.Should().Be(0, again.Error);
        again.Output.Should().Contain("was still pending: this new link replaces the earlier one.");
        LastLine(again.Output).Should().NotBe(link);
        var links = await db.AdminInvitations.AsNoTracking().OrderBy(i => i.Created).ToListAsync();
        links.Should().HaveCount(2);
        links[0].ExpiresAt.Should().BeOnOrBefore(links[1].Created);
    }

    [Fact]
    public async Task Create_admin_explains_what_is_wrong_with_a_non_zero_exit_code()
    {
        await using var database = await TestDatabase.CreateAsync();
        await RunAsync(database, "create-partner", "Acme Telecom");

        var usage = await RunAsync(database, "create-admin", "--partner", "Acme Telecom");
        usage.ExitCode.Should().Be(2);
        usage.Error.Should().StartWith(
            "Usage: create-admin --partner <partner name or id> --email <address> [--role full|read-only]");

        var role = await RunAsync(database, "create-admin", "--partner", "Acme Telecom", "--email", "a@acme.example", "--role", "boss");
        role.ExitCode.Should().Be(2);
        role.Error.Should().StartWith("Unknown role 'boss': use full or read-only.");

        var partner = await RunAsync(database, "create-admin", "--partner", "Nobody", "--email", "a@acme.example");
        partner.ExitCode.Should().Be(1);
        partner.Error.Should().Contain("No partner is named or has the id 'Nobody'. Create it first: create-partner NAME");

        var address = await RunAsync(database, "create-admin", "--partner", "Acme Telecom", "--email", "not-an-address");
        address.ExitCode.Should().Be(2);
        address.Error.Should().Contain("'not-an-address' is not an email address.");

        await using (var db = database.CreateContext())
        {
            var acme = await db.Partners.SingleAsync();
            var active = new PartnerAdmin { PartnerId = acme.Id, Email = "active@acme.example", Created = DateTime.UtcNow };
            active.PasswordHash = AdminPassword.Hash(active, "An-Existing-Password-1");
            db.PartnerAdmins.Add(active);
            await db.SaveChangesAsync();
        }

        var existing = await RunAsync(database, "create-admin", "--partner", "Acme Telecom", "--email", "active@acme.example");
        existing.ExitCode.Should().Be(1);
        existing.Error.Should().Contain("active@acme.example is already an admin of Acme Telecom and has a password; nothing was changed.");
    }

    private static string LastLine(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];
    [Fact]
    public async Task Set_target_creates_a_scim_target_points_the_template_at_it_and_never_prints_the_token()
    {
        const string token = "scim-Bearer-Token-For-Set-Target-91";
        await using var database = await TestDatabase.CreateAsync();
        var template = await SeedTemplateAsync(database);

        var created = await RunAsync(database, "set-target", "--template", template.ProvisioningId,
            "--scim-url", "http://127.0.0.1:7612/scim/v2", "--scim-token", token);

        created.ExitCode.Should().Be(0, created.Error);
        created.Output.Should().Contain("SCIM target \"SCIM 127.0.0.1\" created for Acme Telecom: http://127.0.0.1:7612/scim/v2")
            .And.Contain($"Template \"Gold\" ({template.ProvisioningId}) now provisions into \"SCIM 127.0.0.1\".");
        (created.Output + created.Error).Should().NotContain(token);
        await using (var db = database.CreateContext())
        {
            var target = await db.ProvisioningTargets.AsNoTracking().SingleAsync();
            target.Name.Should().Be("SCIM 127.0.0.1");
            target.PartnerId.Should().Be(template.PartnerId);
            target.Kind.Should().Be(TargetKind.Scim);
            target.Authentication.Should().Be(TargetAuthentication.BearerToken);
            target.ProtectedSecret.Should().NotContain(token);
            (await SecretsOf(database)).Unprotect(target.ProtectedSecret).Should().Be(token);
            (await db.Templates.AsNoTracking().SingleAsync(t => t.Id == template.Id)).TargetId.Should().Be(target.Id);
            (await db.AdminAuditEvents.AsNoTracking().Select(a => a.Action).ToListAsync()).Should().BeEquivalentTo(["target.create", "template.update"]);
            (await db.AdminAuditEvents.AsNoTracking().Select(a => a.Data!).ToListAsync()).Should().NotContain(d => d.Contains(token));
        }

        // The same name again updates that target: a new URL and token, one target still.
        var updated = await RunAsync(database, "set-target", "--template", template.ProvisioningId,
            "--scim-url", "https://idp.example/scim/v2", "--scim-token", "second-token-xyz", "--name", "SCIM 127.0.0.1");
        updated.ExitCode.Should().Be(0, updated.Error);
        updated.Output.Should().Contain("SCIM target \"SCIM 127.0.0.1\" of Acme Telecom updated: https://idp.example/scim/v2")
            .And.Contain("already provisioned into it").And.NotContain("second-token-xyz");
        await using (var db = database.CreateContext())
        {
            var target = await db.ProvisioningTargets.AsNoTracking().SingleAsync();
            target.BaseUrl.Should().Be("https://idp.example/scim/v2");
            target.Revision.Should().Be(2);
            (await SecretsOf(database)).Unprotect(target.ProtectedSecret).Should().Be("second-token-xyz");
        }
    }

    [Fact]
    public async Task Set_target_refuses_an_unknown_template_a_bad_url_and_missing_arguments()
    {
        await using var database = await TestDatabase.CreateAsync();

        var unknown = await RunAsync(database, "set-target", "--template", "pv-nobody", "--scim-url", "https://idp.example/scim/v2",
            "--scim-token", "t");
        unknown.ExitCode.Should().Be(1);
        unknown.Error.Should().Contain("No template has the provisioning ID 'pv-nobody'.");

        var badUrl = await RunAsync(database, "set-target", "--template", "pv-nobody", "--scim-url", "idp.example", "--scim-token", "t");
        badUrl.ExitCode.Should().Be(2);
        badUrl.Error.Should().Contain("is not an absolute http:// or https:// URL");

        var usage = await RunAsync(database, "set-target", "--template", "pv-nobody");
        usage.ExitCode.Should().Be(2);
        usage.Error.Should().StartWith(SetTargetCommand.Usage);
        await using var db = database.CreateContext();
        (await db.ProvisioningTargets.CountAsync()).Should().Be(0);
    }

    private static async Task<OnboardingTemplate> SeedTemplateAsync(TestDatabase database)
    {
        await using var db = database.CreateContext();
        var partner = new Partner { Name = "Acme Telecom", Created = DateTime.UtcNow };
        var cluster = new BroadWorksCluster { PartnerId = partner.Id, Name = "Cluster", XsiActionsUrl = "http://127.0.0.1:9/com.broadsoft.xsi-actions" };
        var template = new OnboardingTemplate
        {
            PartnerId = partner.Id, ClusterId = cluster.Id, Name = "Gold", ProvisioningId = "pv-set-target-test",
            ActivationSlug = "slug-set-target", Created = DateTime.UtcNow,
        };
        db.AddRange(partner, cluster, template);
        await db.SaveChangesAsync();
        return template;
    }

    /// <summary>The app's Data Protection keys, read from the database the command wrote them to.</summary>
    private static Task<TargetSecrets> SecretsOf(TestDatabase database)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddScoped<FlowthroughDbContext>(_ => database.CreateContext());
        services.AddDataProtection().SetApplicationName("Flowthrough").PersistKeysToDbContext<FlowthroughDbContext>();
        var provider = services.BuildServiceProvider();
        return Task.FromResult(new TargetSecrets(provider.GetRequiredService<IDataProtectionProvider>()));
    }
}
