using System.Data.Common;
using Flowthrough.Clusters;
using Flowthrough.Data;
using Flowthrough.Partners;
using Flowthrough.Subscribers;
using Flowthrough.Templates;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace Flowthrough.Bench;

/// <summary>Writes the benchmark data set as fast as each provider allows: COPY on PostgreSQL, batched inserts on SQLite.</summary>
public static class BenchSeed
{
    private static readonly string[] Statuses =
        ["Provisioned", "Provisioned", "Provisioned", "Provisioned", "Provisioned", "Provisioned", "PendingEmailInput",
         "PendingEmailValidation", "Error", "Provisioning"];

    private static readonly string[] FirstNames = ["Łukasz", "Zofia", "Anna", "Piotr", "Katarzyna", "John", "Emma", "Oliver", "Agnieszka", "Paweł"];
    private static readonly string[] LastNames = ["Wójcik", "Żak", "Nowak", "Kowalski", "Lewandowska", "Smith", "Jones", "Brown", "Dąbrowski", "Zieliński"];

    public const string ProvisioningAccount = "bench-bridge";
    public const string ProvisioningPassword = "Bench-Bridge-2026!";
    public const string AdminPassword = "Bench-Admin-2026!";

    /// <summary>What each row looks like: <c>mixed</c> spreads rows over every status (60% provisioned);
    /// <c>engine</c> makes every row a trusted subscriber in provisioning that is not due yet (engine-run releases them).</summary>
    private enum Mix
    {
        Mixed,
        Engine,
    }

    public static async Task<int> RunAsync(BenchOptions options)
    {
        var count = options.Number("count", 1_000_000);
        var mix = Enum.Parse<Mix>(options.Get("mix", "mixed"), ignoreCase: true);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await using var db = options.OpenDb();
        await DataServiceCollectionExtensions.MigrateAsync(db, CancellationToken.None);

        var now = DateTime.UtcNow;
        var partner = new Partner { Name = $"Bench Partner {Guid.NewGuid():N}"[..24], Created = now };
        var cluster = new BroadWorksCluster
        {
            PartnerId = partner.Id, Name = "Bench", XsiActionsUrl = options.Get("xsi", "http://127.0.0.1:9/com.broadsoft.xsi-actions"),
        };
        var template = new OnboardingTemplate
        {
            PartnerId = partner.Id,
            ClusterId = cluster.Id,
            Name = "Bench template",
            ProvisioningId = $"bench-{Guid.NewGuid():N}"[..20],
            ActivationSlug = $"bench-{Guid.NewGuid():N}"[..20],
            FlowThroughEnabled = bool.Parse(options.Get("flow-through", "true")),
            ProvisioningAccountName = ProvisioningAccount,
            EmailTrust = bool.Parse(options.Get("trusted", "false")) ? EmailTrust.Trusted : EmailTrust.Untrusted,
            AllowSelfActivation = bool.Parse(options.Get("self-activation", "false")),
            Created = now,
        };
        template.ProvisioningPasswordHash = new PasswordHasher<OnboardingTemplate>().HashPassword(template, ProvisioningPassword);
        var admin = new PartnerAdmin { PartnerId = partner.Id, Email = $"bench-{Guid.NewGuid():N}@bench.example", PasswordHash = "", Created = now };
        admin.PasswordHash = new PasswordHasher<PartnerAdmin>().HashPassword(admin, AdminPassword);
        var (token, secret) = ApiToken.Create(partner.Id, "bench", ApiToken.KnownScopes, now);
        if (BenchTargets.Scim(options, partner.Id, now) is { } target)
        {
            db.Add(target);
            template.TargetId = target.Id;
        }

        db.AddRange(partner, cluster, template, admin, token);
        await db.SaveChangesAsync();

        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        if (options.Postgres)
        {
            await CopyAsync((NpgsqlConnection)connection, partner.Id, template, count, now, mix);
        }
        else
        {
            await InsertAsync((SqliteConnection)connection, partner.Id, template, count, now, mix);
        }

        // The bulk load bypasses the DbContext, which keeps these counts on every save; count once here.
        await db.Database.ExecuteSqlRawAsync("""
            INSERT INTO "TemplateStatusCounts" ("TemplateId", "Status", "Count")
            SELECT "TemplateId", "Status", COUNT(*) FROM "Subscribers" WHERE "TemplateId" = {0} GROUP BY "TemplateId", "Status"
            """, options.Postgres ? template.Id : template.Id.ToString().ToUpperInvariant());

        Report.Line("Seeded", $"{count} subscribers ({mix}) on {(options.Postgres ? "Postgres" : "Sqlite")} in {clock.Elapsed.TotalSeconds:0.0} s");
        Report.Line("Template", template.Id);
        Report.Line("ProvisioningId", template.ProvisioningId);
        Report.Line("Slug", template.ActivationSlug);
        Report.Line("Account", $"{ProvisioningAccount}:{ProvisioningPassword}");
        Report.Line("ApiToken", secret);
        Report.Line("Admin", $"{admin.Email} / {AdminPassword}");
        return 0;
    }

    private static (string UserId, string First, string Last, string Email, string Status, DateTime Created, DateTime Changed)
        Row(int i, DateTime now, Mix mix)
    {
        var created = now.AddSeconds(-(long)i * 3);
        var status = mix == Mix.Engine ? "Provisioning" : Statuses[i % Statuses.Length];
        return ($"user{i:D7}@bench.sp.example", FirstNames[i % FirstNames.Length], LastNames[i / 10 % LastNames.Length],
            $"user{i:D7}@firma.example", status, created, created.AddMinutes(i % 50));
    }

    private static async Task CopyAsync(NpgsqlConnection connection, Guid partnerId, OnboardingTemplate template, int count, DateTime now, Mix mix)
    {
        await using (var writer = await connection.BeginBinaryImportAsync("""
            COPY "Subscribers" ("Id", "PartnerId", "TemplateId", "ProvisioningId", "UserId", "SpEnterpriseId", "FirstName",
              "LastName", "Email", "NormalizedEmail", "EmailTrusted", "PrimaryPhoneNumber", "Package", "Status", "ErrorCode",
              "ErrorDescription", "Created", "LastStatusChange", "SelfActivated", "Source", "Attempts", "Version")
            FROM STDIN (FORMAT BINARY)
            """))
        {
            await WriteRowsAsync(writer, partnerId, template, count, now, mix);
            await writer.CompleteAsync();
        }

        await using var analyze = new NpgsqlCommand("ANALYZE \"Subscribers\"", connection);
        await analyze.ExecuteNonQueryAsync();
    }

    private static async Task WriteRowsAsync(NpgsqlBinaryImporter writer, Guid partnerId, OnboardingTemplate template, int count,
        DateTime now, Mix mix)
    {
        for (var i = 0; i < count; i++)
        {
            var r = Row(i, now, mix);
            await writer.StartRowAsync();
            await writer.WriteAsync(Guid.CreateVersion7(), NpgsqlDbType.Uuid);
            await writer.WriteAsync(partnerId, NpgsqlDbType.Uuid);
            await writer.WriteAsync(template.Id, NpgsqlDbType.Uuid);
            await writer.WriteAsync(template.ProvisioningId, NpgsqlDbType.Varchar);
            await writer.WriteAsync(r.UserId, NpgsqlDbType.Varchar);
            await writer.WriteAsync($"sp+group{i % 500}", NpgsqlDbType.Varchar);
            await writer.WriteAsync(r.First, NpgsqlDbType.Varchar);
            await writer.WriteAsync(r.Last, NpgsqlDbType.Varchar);
            await writer.WriteAsync(r.Email, NpgsqlDbType.Varchar);
            await writer.WriteAsync(r.Email, NpgsqlDbType.Varchar);
            await writer.WriteAsync(true, NpgsqlDbType.Boolean);
            await writer.WriteAsync("+48225550100", NpgsqlDbType.Varchar);
            await writer.WriteAsync("Standard", NpgsqlDbType.Varchar);
            await writer.WriteAsync(r.Status, NpgsqlDbType.Varchar);
            if (r.Status == "Error")
            {
                await writer.WriteAsync(7002, NpgsqlDbType.Integer);
                await writer.WriteAsync(ErrorCatalog.EmailInOtherOrganization.English, NpgsqlDbType.Varchar);
            }
            else
            {
                await writer.WriteNullAsync();
                await writer.WriteNullAsync();
            }

            await writer.WriteAsync(r.Created, NpgsqlDbType.TimestampTz);
            await writer.WriteAsync(r.Changed, NpgsqlDbType.TimestampTz);
            await writer.WriteAsync(false, NpgsqlDbType.Boolean);
            await writer.WriteAsync("FlowThrough", NpgsqlDbType.Varchar);
            await writer.WriteAsync(0, NpgsqlDbType.Integer);
            await writer.WriteAsync(0, NpgsqlDbType.Integer);
        }
    }

    private static async Task InsertAsync(SqliteConnection connection, Guid partnerId, OnboardingTemplate template, int count, DateTime now,
        Mix mix)
    {
        string[] columns = ["Id", "PartnerId", "TemplateId", "ProvisioningId", "UserId", "SpEnterpriseId", "FirstName", "LastName",
            "Email", "NormalizedEmail", "EmailTrusted", "PrimaryPhoneNumber", "Package", "Status", "ErrorCode", "ErrorDescription",
            "Created", "LastStatusChange", "SelfActivated", "Source", "Attempts", "Version"];
        await using var command = connection.CreateCommand();
        command.CommandText = $"INSERT INTO \"Subscribers\" ({string.Join(", ", columns.Select(c => $"\"{c}\""))}) " +
            $"VALUES ({string.Join(", ", columns.Select(c => "$" + c))})";
        var parameters = columns.ToDictionary(c => c, c => command.Parameters.Add(new SqliteParameter("$" + c, null)));
        DbTransaction? transaction = null;
        for (var i = 0; i < count; i++)
        {
            if (i % 10_000 == 0)
            {
                if (transaction is not null)
                {
                    await transaction.CommitAsync();
                }

                transaction = await connection.BeginTransactionAsync();
                command.Transaction = (SqliteTransaction)transaction;
            }

            var r = Row(i, now, mix);
            // SQLite stores EF Core's Guid as upper-case text and DateTime as "yyyy-MM-dd HH:mm:ss.FFFFFFF".
            parameters["Id"].Value = Guid.CreateVersion7().ToString().ToUpperInvariant();
            parameters["PartnerId"].Value = partnerId.ToString().ToUpperInvariant();
            parameters["TemplateId"].Value = template.Id.ToString().ToUpperInvariant();
            parameters["ProvisioningId"].Value = template.ProvisioningId;
            parameters["UserId"].Value = r.UserId;
            parameters["SpEnterpriseId"].Value = $"sp+group{i % 500}";
            parameters["FirstName"].Value = r.First;
            parameters["LastName"].Value = r.Last;
            parameters["Email"].Value = r.Email;
            parameters["NormalizedEmail"].Value = r.Email;
            parameters["EmailTrusted"].Value = 1;
            parameters["PrimaryPhoneNumber"].Value = "+48225550100";
            parameters["Package"].Value = "Standard";
            parameters["Status"].Value = r.Status;
            parameters["ErrorCode"].Value = r.Status == "Error" ? 7002 : DBNull.Value;
            parameters["ErrorDescription"].Value = r.Status == "Error" ? ErrorCatalog.EmailInOtherOrganization.English : DBNull.Value;
            parameters["Created"].Value = r.Created.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", System.Globalization.CultureInfo.InvariantCulture);
            parameters["LastStatusChange"].Value = r.Changed.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", System.Globalization.CultureInfo.InvariantCulture);
            parameters["SelfActivated"].Value = 0;
            parameters["Source"].Value = "FlowThrough";
            parameters["Attempts"].Value = 0;
            parameters["Version"].Value = 0;
            await command.ExecuteNonQueryAsync();
        }

        if (transaction is not null)
        {
            await transaction.CommitAsync();
        }

        await using var analyze = connection.CreateCommand();
        analyze.CommandText = "ANALYZE;";
        await analyze.ExecuteNonQueryAsync();
    }
}
