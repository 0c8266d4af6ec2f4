using System.Diagnostics;
using Flowthrough.Data;
using Flowthrough.Partners;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.Tests.Operations;

/// <summary>The command-line verbs, run as a real process the way an operator runs them.</summary>
public sealed class CommandsTests
{
    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(TestDatabase database,
        params string[] args)
    {
        var app = Path.Combine(AppContext.BaseDirectory, "Flowthrough.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(app);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["Database__Provider"] = TestDatabase.Provider.ToString();
        start.Environment["Database__ConnectionString"] = database.ConnectionString;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await output, await error);
    }

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
}
