using Flowthrough.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Flowthrough.Tests;

/// <summary>
/// A fresh, migrated database for one test, on the provider the run selects: <c>FLOWTHROUGH_TEST_DB</c> is
/// <c>Sqlite</c> (default) or <c>Postgres</c>, the latter at <c>FLOWTHROUGH_TEST_POSTGRES</c>. Migrations run
/// once per test run into a template that each test copies.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public const string ProviderVariable = "FLOWTHROUGH_TEST_DB";
    public const string PostgresVariable = "FLOWTHROUGH_TEST_POSTGRES";

    private static readonly SemaphoreSlim TemplateLock = new(1, 1);
    private static string? sqliteTemplate;
    private static bool postgresTemplateReady;
    private const string PostgresTemplate = "flowthrough_test_template";

    private readonly string? sqliteFile;
    private readonly string? postgresDatabase;
    private readonly string? postgresServer;

    private TestDatabase(string connectionString, string? sqliteFile, string? postgresDatabase, string? postgresServer = null)
    {
        ConnectionString = connectionString;
        this.sqliteFile = sqliteFile;
        this.postgresDatabase = postgresDatabase;
        this.postgresServer = postgresServer;
    }

    /// <summary>A copy of the migrated SQLite template at <paramref name="file"/> (a size-limited file system, say).</summary>
    public static async Task<TestDatabase> CreateSqliteAtAsync(string file)
    {
        await using (var source = await CreateSqliteAsync())
        {
            File.Copy(source.sqliteFile!, file);
        }

        return new TestDatabase($"Data Source={file};Default Timeout=5", file, null);
    }

    /// <summary>A migrated database on a server of the test's own (not the run's), e.g. one it stops and starts.</summary>
    public static async Task<TestDatabase> CreateOnPostgresServerAsync(string server)
    {
        var name = $"flowthrough_test_{Guid.NewGuid():N}";
        await ExecuteAsync(server, $"CREATE DATABASE {name}");
        var connection = new NpgsqlConnectionStringBuilder(server) { Database = name }.ToString();
        await using (var db = CreateContext(DatabaseProvider.Postgres, connection))
        {
            await DataServiceCollectionExtensions.MigrateAsync(db, TestContext.Current.CancellationToken);
        }

        return new TestDatabase(connection, null, name, server);
    }

    public static DatabaseProvider Provider =>
        string.Equals(Environment.GetEnvironmentVariable(ProviderVariable), "Postgres", StringComparison.OrdinalIgnoreCase)
            ? DatabaseProvider.Postgres
            : DatabaseProvider.Sqlite;

    public string ConnectionString { get; }

    public static async Task<TestDatabase> CreateAsync()
    {
        return Provider == DatabaseProvider.Postgres ? await CreatePostgresAsync() : await CreateSqliteAsync();
    }

    /// <summary>A database with no schema at all, for tests of the migrations themselves.</summary>
    public static async Task<TestDatabase> CreateEmptyAsync()
    {
        if (Provider == DatabaseProvider.Sqlite)
        {
            var file = Path.Combine(Path.GetTempPath(), $"flowthrough-empty-{Guid.NewGuid():N}.db");
            return new TestDatabase($"Data Source={file};Default Timeout=30", file, null);
        }

        var server = RequirePostgresServer();
        var name = $"flowthrough_test_{Guid.NewGuid():N}";
        await ExecuteAsync(server, $"CREATE DATABASE {name}");
        return new TestDatabase(new NpgsqlConnectionStringBuilder(server) { Database = name }.ToString(), null, name);
    }

    /// <summary>The server-level connection string; a missing one skips locally and fails in CI.</summary>
    public static string RequirePostgresServer()
    {
        var server = Environment.GetEnvironmentVariable(PostgresVariable);
        if (!string.IsNullOrWhiteSpace(server))
        {
            return server;
        }

        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
        {
            throw new InvalidOperationException($"{PostgresVariable} is not set: CI must run the PostgreSQL tests.");
        }

        Assert.Skip($"{PostgresVariable} is not set; ./test.sh starts a PostgreSQL cluster and sets it.");
        return "";
    }

    public FlowthroughDbContext CreateContext() => CreateContext(Provider, ConnectionString);

    public static FlowthroughDbContext CreateContext(DatabaseProvider provider, string connectionString) =>
        provider == DatabaseProvider.Postgres
            ? new PostgresFlowthroughDbContext(new DbContextOptionsBuilder<PostgresFlowthroughDbContext>()
                .UseNpgsql(connectionString).Options)
            : new SqliteFlowthroughDbContext(new DbContextOptionsBuilder<SqliteFlowthroughDbContext>()
                .UseSqlite(connectionString).Options);

    /// <summary>Configuration keys that point the app at this database.</summary>
    public IEnumerable<KeyValuePair<string, string?>> AppSettings() =>
    [
        new("Database:Provider", Provider.ToString()),
        new("Database:ConnectionString", ConnectionString),
        new("Database:MigrateOnStart", "false"),
    ];

    private static async Task<TestDatabase> CreateSqliteAsync()
    {
        await TemplateLock.WaitAsync();
        try
        {
            if (sqliteTemplate is null)
            {
                var file = Path.Combine(Path.GetTempPath(), $"flowthrough-template-{Guid.NewGuid():N}.db");
                await using (var db = CreateContext(DatabaseProvider.Sqlite, $"Data Source={file};Pooling=false"))
                {
                    await DataServiceCollectionExtensions.MigrateAsync(db, TestContext.Current.CancellationToken);
                }

                sqliteTemplate = file;
            }
        }
        finally
        {
            TemplateLock.Release();
        }

        var copy = Path.Combine(Path.GetTempPath(), $"flowthrough-test-{Guid.NewGuid():N}.db");
        File.Copy(sqliteTemplate, copy);
        return new TestDatabase($"Data Source={copy};Default Timeout=30", copy, null);
    }

    private static async Task<TestDatabase> CreatePostgresAsync()
    {
        var server = RequirePostgresServer();
        await TemplateLock.WaitAsync();
        try
        {
            if (!postgresTemplateReady)
            {
                await ExecuteAsync(server, $"DROP DATABASE IF EXISTS {PostgresTemplate} WITH (FORCE)");
                await ExecuteAsync(server, $"CREATE DATABASE {PostgresTemplate}");
                var templateConnection = new NpgsqlConnectionStringBuilder(server)
                    { Database = PostgresTemplate, Pooling = false }.ToString();
                await using (var db = CreateContext(DatabaseProvider.Postgres, templateConnection))
                {
                    await DataServiceCollectionExtensions.MigrateAsync(db, TestContext.Current.CancellationToken);
                }

                postgresTemplateReady = true;
            }

            var name = $"flowthrough_test_{Guid.NewGuid():N}";
            // A template database cannot be copied while anyone is connected to it: copies are serialised here.
            await ExecuteAsync(server, $"CREATE DATABASE {name} TEMPLATE {PostgresTemplate}");
            var connection = new NpgsqlConnectionStringBuilder(server) { Database = name }.ToString();
            return new TestDatabase(connection, null, name);
        }
        finally
        {
            TemplateLock.Release();
        }
    }

    private static async Task ExecuteAsync(string server, string sql)
    {
        await using var connection = new NpgsqlConnection(
            new NpgsqlConnectionStringBuilder(server) { Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (sqliteFile is not null)
        {
            SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                File.Delete(sqliteFile + suffix);
            }
        }

        if (postgresDatabase is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await ExecuteAsync(postgresServer ?? RequirePostgresServer(), $"DROP DATABASE IF EXISTS {postgresDatabase} WITH (FORCE)");
        }
    }
}
