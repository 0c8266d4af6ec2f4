using Flowthrough.Data;
using Flowthrough.Partners;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.Operations;

/// <summary>
/// The command-line verbs: <c>migrate</c>, <c>create-partner</c>, <c>create-admin</c>, <c>create-token</c> and
/// <c>set-target</c> (<see cref="SetTargetCommand"/>).
/// Anything else runs the server. Exit codes: 0 done, 1 refused (unknown partner, duplicate), 2 wrong usage.
/// </summary>
public static class Commands
{
    public const string CreatePartnerUsage = "Usage: create-partner NAME";

    public const string CreateAdminUsage =
        "Usage: create-admin --partner <partner name or id> --email <address> [--role full|read-only]";

    public static bool IsCommand(string[] args) =>
        args is ["migrate", ..] or ["create-token", ..] or ["create-partner", ..] or ["create-admin", ..] or ["set-target", ..];

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
            case "create-partner":
                return await CreatePartnerAsync(scope.ServiceProvider.GetRequiredService<AdminAccounts>(), args);
            case "create-admin":
                return await CreateAdminAsync(db, scope.ServiceProvider.GetRequiredService<AdminAccounts>(), time,
                    app.Configuration);
            case "set-target":
                return await SetTargetCommand.RunAsync(db, scope.ServiceProvider.GetRequiredService<Provisioning.Targets.TargetSecrets>(),
                    time, app.Configuration);
            default:
                return await CreateTokenAsync(db, time, app.Configuration);
        }
    }

    private static async Task<int> CreatePartnerAsync(AdminAccounts accounts, string[] args)
    {
        if (args.Length != 2 || args[1].StartsWith("--", StringComparison.Ordinal))
        {
            await Console.Error.WriteLineAsync($"{CreatePartnerUsage}{Environment.NewLine}"
                + "Creates a partner (the tenant its admins, templates and tokens belong to). Quote a name with spaces.");
            return 2;
        }

        var (outcome, partner) = await accounts.CreatePartnerAsync(args[1], CancellationToken.None);
        switch (outcome)
        {
            case PartnerOutcome.Created:
                Console.WriteLine($"Partner created: {partner!.Name} (id {partner.Id}).");
                Console.WriteLine($"Next: create-admin --partner \"{partner.Name}\" --email <address>");
                return 0;
            case PartnerOutcome.Duplicate:
                await Console.Error.WriteLineAsync($"A partner named '{args[1].Trim()}' already exists; nothing was created.");
                return 1;
            default:
                await Console.Error.WriteLineAsync(
                    $"The partner name must not be empty and may have at most {AdminAccounts.PartnerNameLength} characters.");
                return 2;
        }
    }

    private static async Task<int> CreateAdminAsync(FlowthroughDbContext db, AdminAccounts accounts, TimeProvider time,
        IConfiguration arguments)
    {
        var partnerArgument = arguments["partner"];
        var email = arguments["email"];
        var roleArgument = arguments["role"] ?? "full";
        PartnerAdminRole? role = roleArgument.ToLowerInvariant() switch
        {
            "full" => PartnerAdminRole.FullAdmin,
            "read-only" or "readonly" => PartnerAdminRole.ReadOnly,
            _ => null,
        };
        if (string.IsNullOrWhiteSpace(partnerArgument) || string.IsNullOrWhiteSpace(email) || role is null)
        {
            await Console.Error.WriteLineAsync(role is null
                ? $"Unknown role '{roleArgument}': use full or read-only.{Environment.NewLine}{CreateAdminUsage}"
                : $"{CreateAdminUsage}{Environment.NewLine}Creates a partner admin and prints a one-time set-password link.");
            return 2;
        }

        if (await FindPartnerAsync(db, partnerArgument) is not { } partner)
        {
            await Console.Error.WriteLineAsync($"No partner is named or has the id '{partnerArgument}'. "
                + "Create it first: create-partner NAME");
            return 1;
        }

        var result = await accounts.InviteAsync(partner.Id, email, role.Value, mailLanguage: null,
            (context, admin) => context.AdminAuditEvents.Add(new AdminAuditEvent
            {
                PartnerId = partner.Id,
                At = time.GetUtcNow().UtcDateTime,
                Action = "admin.invite",
                Target = admin.Id.ToString(),
                Data = System.Text.Json.JsonSerializer.Serialize(new { admin.Email, role = admin.Role.ToString(), by = "command line" }),
            }), CancellationToken.None);
        switch (result.Outcome)
        {
            case InviteOutcome.Invited or InviteOutcome.Reinvited:
                Console.WriteLine(result.Outcome == InviteOutcome.Invited
                    ? $"Admin {result.Admin!.Email} ({Describe(result.Admin.Role)}) created for {partner.Name}."
                    : $"Admin {result.Admin!.Email} was still pending: this new link replaces the earlier one.");
                Console.WriteLine($"Open this link to set the password (works once, until {result.ExpiresAt:yyyy-MM-dd HH:mm} UTC):");
                Console.WriteLine(result.Link!.AbsoluteUri);
                return 0;
            case InviteOutcome.InvalidEmail:
                await Console.Error.WriteLineAsync($"'{email}' is not an email address.");
                return 2;
            case InviteOutcome.AlreadyActive:
                await Console.Error.WriteLineAsync($"{email} is already an admin of {partner.Name} and has a password; nothing was changed.");
                return 1;
            default:
                await Console.Error.WriteLineAsync($"{email} is already an admin of another partner; an address belongs to one partner.");
                return 1;
        }
    }

    private static string Describe(PartnerAdminRole role) => role == PartnerAdminRole.FullAdmin ? "full admin" : "read-only admin";

    private static async Task<Partner?> FindPartnerAsync(FlowthroughDbContext db, string partnerArgument) =>
        Guid.TryParse(partnerArgument, out var partnerId)
            ? await db.Partners.FirstOrDefaultAsync(p => p.Id == partnerId)
            : await db.Partners.FirstOrDefaultAsync(p => p.Name == partnerArgument);

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

        var partner = await FindPartnerAsync(db, partnerArgument);
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
