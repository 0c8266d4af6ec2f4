using Flowthrough.Data;
using Flowthrough.Partners;
using Microsoft.EntityFrameworkCore;

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
}
