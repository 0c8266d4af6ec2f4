using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace Flowthrough.Bench;

/// <summary>
/// The database's own write ceiling on this machine, measured in the same run as the app: N rows shaped like a
/// subscriber (16 columns, a primary key and one unique index) in durable batches of 1,000 — a prepared INSERT per row
/// inside one transaction on SQLite (WAL, synchronous FULL as the app runs it), one binary COPY per batch on
/// PostgreSQL. Nothing the app does per row can be faster than this, so app figures are printed as a share of it.
/// </summary>
public static class InsertCeiling
{
    private const int BatchSize = 1_000;
    private const string Table = "BenchScratch";

    public static async Task<int> RunAsync(BenchOptions options)
    {
        var count = options.Number("count", 100_000);
        var (seconds, bytes) = options.Postgres
            ? await PostgresAsync(options.Connection, count)
            : await SqliteAsync(options.Connection, count);
        Report.Figure("RowsPerSecond", count / seconds);
        Report.Figure("Seconds", seconds);
        Report.Figure("BytesPerRow", bytes / (double)Math.Max(count, 1));
        return 0;
    }

    private static async Task<(double Seconds, long Bytes)> SqliteAsync(string connectionString, int count)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await ExecuteAsync(connection, $"""
            PRAGMA journal_mode=WAL;
            DROP TABLE IF EXISTS "{Table}";
            CREATE TABLE "{Table}" ("Seq" INTEGER PRIMARY KEY, "Id" TEXT NOT NULL, "PartnerId" TEXT NOT NULL,
              "TemplateId" TEXT NOT NULL, "UserId" TEXT NOT NULL, "SpEnterpriseId" TEXT NOT NULL, "FirstName" TEXT NOT NULL,
              "LastName" TEXT NOT NULL, "Email" TEXT, "NormalizedEmail" TEXT, "PrimaryPhoneNumber" TEXT, "Package" TEXT NOT NULL,
              "Status" TEXT NOT NULL, "Created" TEXT NOT NULL, "LastStatusChange" TEXT NOT NULL, "Version" INTEGER NOT NULL);
            CREATE UNIQUE INDEX "IX_{Table}_UserId" ON "{Table}" ("UserId");
            PRAGMA wal_checkpoint(TRUNCATE);
            """);
        var before = await SqliteBytesAsync(connection);

        await using var insert = connection.CreateCommand();
        insert.CommandText = $"""
            INSERT INTO "{Table}" ("Id", "PartnerId", "TemplateId", "UserId", "SpEnterpriseId", "FirstName", "LastName", "Email",
              "NormalizedEmail", "PrimaryPhoneNumber", "Package", "Status", "Created", "LastStatusChange", "Version")
            VALUES ($id, $partner, $template, $user, $sp, 'Zofia', 'Wójcik', $email, $email, '+48225550100', 'Standard',
              'PendingEmailInput', $now, $now, 0)
            """;
        var id = insert.Parameters.Add("$id", SqliteType.Text);
        insert.Parameters.AddWithValue("$partner", Guid.NewGuid().ToString().ToUpperInvariant());
        insert.Parameters.AddWithValue("$template", Guid.NewGuid().ToString().ToUpperInvariant());
        var user = insert.Parameters.Add("$user", SqliteType.Text);
        var sp = insert.Parameters.Add("$sp", SqliteType.Text);
        var email = insert.Parameters.Add("$email", SqliteType.Text);
        insert.Parameters.AddWithValue("$now", DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", System.Globalization.CultureInfo.InvariantCulture));

        var clock = Stopwatch.StartNew();
        for (var start = 0; start < count; start += BatchSize)
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
            insert.Transaction = transaction;
            for (var i = start; i < Math.Min(start + BatchSize, count); i++)
            {
                id.Value = Guid.CreateVersion7().ToString().ToUpperInvariant();
                user.Value = $"scratch{i:D7}@bench.sp.example";
                sp.Value = $"sp+group{i % 500}";
                email.Value = $"scratch{i:D7}@firma.example";
                await insert.ExecuteNonQueryAsync();
            }

            await transaction.CommitAsync();
        }

        var seconds = clock.Elapsed.TotalSeconds;
        await ExecuteAsync(connection, "PRAGMA wal_checkpoint(TRUNCATE);");
        var bytes = await SqliteBytesAsync(connection) - before;
        await ExecuteAsync(connection, $"DROP TABLE \"{Table}\"; VACUUM;");
        return (seconds, bytes);
    }

    private static async Task<long> SqliteBytesAsync(SqliteConnection connection)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT (SELECT page_count FROM pragma_page_count()) * (SELECT page_size FROM pragma_page_size()) " +
            "- (SELECT freelist_count FROM pragma_freelist_count()) * (SELECT page_size FROM pragma_page_size())";
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<(double Seconds, long Bytes)> PostgresAsync(string connectionString, int count)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using (var create = new NpgsqlCommand($"""
            DROP TABLE IF EXISTS "{Table}";
            CREATE TABLE "{Table}" ("Seq" bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, "Id" uuid NOT NULL,
              "PartnerId" uuid NOT NULL, "TemplateId" uuid NOT NULL, "UserId" varchar(161) NOT NULL,
              "SpEnterpriseId" varchar(161) NOT NULL, "FirstName" varchar(64) NOT NULL, "LastName" varchar(64) NOT NULL,
              "Email" varchar(254), "NormalizedEmail" varchar(254), "PrimaryPhoneNumber" varchar(32),
              "Package" varchar(32) NOT NULL, "Status" varchar(32) NOT NULL, "Created" timestamptz NOT NULL,
              "LastStatusChange" timestamptz NOT NULL, "Version" integer NOT NULL);
            CREATE UNIQUE INDEX "IX_{Table}_UserId" ON "{Table}" ("UserId");
            """, connection))
        {
            await create.ExecuteNonQueryAsync();
        }

        var partner = Guid.NewGuid();
        var template = Guid.NewGuid();
        var now = DateTime.UtcNow;
        var clock = Stopwatch.StartNew();
        for (var start = 0; start < count; start += BatchSize)
        {
            // One COPY is one transaction: each batch is committed, and with fsync on, flushed.
            await using var writer = await connection.BeginBinaryImportAsync($"""
                COPY "{Table}" ("Id", "PartnerId", "TemplateId", "UserId", "SpEnterpriseId", "FirstName", "LastName", "Email",
                  "NormalizedEmail", "PrimaryPhoneNumber", "Package", "Status", "Created", "LastStatusChange", "Version")
                FROM STDIN (FORMAT BINARY)
                """);
            for (var i = start; i < Math.Min(start + BatchSize, count); i++)
            {
                var email = $"scratch{i:D7}@firma.example";
                await writer.StartRowAsync();
                await writer.WriteAsync(Guid.CreateVersion7(), NpgsqlDbType.Uuid);
                await writer.WriteAsync(partner, NpgsqlDbType.Uuid);
                await writer.WriteAsync(template, NpgsqlDbType.Uuid);
                await writer.WriteAsync($"scratch{i:D7}@bench.sp.example", NpgsqlDbType.Varchar);
                await writer.WriteAsync($"sp+group{i % 500}", NpgsqlDbType.Varchar);
                await writer.WriteAsync("Zofia", NpgsqlDbType.Varchar);
                await writer.WriteAsync("Wójcik", NpgsqlDbType.Varchar);
                await writer.WriteAsync(email, NpgsqlDbType.Varchar);
                await writer.WriteAsync(email, NpgsqlDbType.Varchar);
                await writer.WriteAsync("+48225550100", NpgsqlDbType.Varchar);
                await writer.WriteAsync("Standard", NpgsqlDbType.Varchar);
                await writer.WriteAsync("PendingEmailInput", NpgsqlDbType.Varchar);
                await writer.WriteAsync(now, NpgsqlDbType.TimestampTz);
                await writer.WriteAsync(now, NpgsqlDbType.TimestampTz);
                await writer.WriteAsync(0, NpgsqlDbType.Integer);
            }

            await writer.CompleteAsync();
        }

        var seconds = clock.Elapsed.TotalSeconds;
        await using var size = new NpgsqlCommand($"SELECT pg_total_relation_size('\"{Table}\"')", connection);
        var bytes = (long)(await size.ExecuteScalarAsync())!;
        await using var drop = new NpgsqlCommand($"DROP TABLE \"{Table}\"", connection);
        await drop.ExecuteNonQueryAsync();
        return (seconds, bytes);
    }
}
