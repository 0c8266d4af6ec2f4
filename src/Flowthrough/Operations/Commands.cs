using Flowthrough.Data;
using Flowthrough.Partners;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.Operations;

/// <summary>The command-line verbs: <c>migrate</c> and <c>create-token</c>. Anything else runs the server.</summary>
public static class Commands
{
    public static bool IsCommand(string[] args) => args is ["migrate", ..] or ["create-token", ..];

    public static async Task<int> RunAsync(WebApplication app, string[] args)
    {
        ArgumentNullException.ThrowIfNull(app);
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FlowthroughDbContext>();
        var time = scope.ServiceProvider.GetRequiredService<TimeProvider>();
        switch (args[0])
        {
            case "migrate":
                await DataServiceCollectionExtensions.MigrateAsync(db, CancellationToken.None);
                Console.WriteLine($"Database is up to date ({db.Database.ProviderName}).");
                return 0;
            default:
                return await CreateTokenAsync(db, time, app.Configuration);
        }
    }

    private static async Task<int> CreateTokenAsync(FlowthroughDbContext db, TimeProvider time, IConfiguration arguments)
    {
        var partnerArgument = arguments["partner"];
        var scopes = (arguments["scopes"] ?? string.Join(',', ApiToken.KnownScopes))
            .Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (string.IsNullOrWhiteSpace(partnerArgument))
        {
            await Console.Error.WriteLineAsync(
                "Usage: create-token --partner <partner name or id> [--scopes read,write] [--name NAME] [--days N]");
            return 2;
        }

        var unknown = scopes.Select(ExpandScope).Where(s => !ApiToken.KnownScopes.Contains(s)).ToList();
        if (unknown.Count > 0)
        {
            await Console.Error.WriteLineAsync(
                $"Unknown scope(s): {string.Join(", ", unknown)}. Known: {string.Join(", ", ApiToken.KnownScopes)} (or read, write).");
            return 2;
        }

        var partner = Guid.TryParse(partnerArgument, out var partnerId)
            ? await db.Partners.FirstOrDefaultAsync(p => p.Id == partnerId)
            : await db.Partners.FirstOrDefaultAsync(p => p.Name == partnerArgument);
        if (partner is null)
        {
            await Console.Error.WriteLineAsync($"No partner is named or has the id '{partnerArgument}'.");
            return 1;
        }

        var now = time.GetUtcNow().UtcDateTime;
        DateTime? expires = int.TryParse(arguments["days"], out var days) && days > 0 ? now.AddDays(days) : null;
        var (token, secret) = ApiToken.Create(partner.Id, arguments["name"] ?? "Command-line token",
            scopes.Select(ExpandScope), now, expires);
        db.ApiTokens.Add(token);
        await db.SaveChangesAsync();
        Console.WriteLine($"API token for {partner.Name} ({token.Scopes}), shown once:");
        Console.WriteLine(secret);
        return 0;
    }

    private static string ExpandScope(string scope) => scope switch
    {
        "read" => ApiToken.ReadScope,
        "write" => ApiToken.WriteScope,
        _ => scope,
    };
}
