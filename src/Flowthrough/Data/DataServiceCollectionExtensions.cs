using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Options;

namespace Flowthrough.Data;

public static class DataServiceCollectionExtensions
{
    /// <summary>
    /// Registers the provider's DbContext. Interceptors registered as <see cref="IInterceptor"/> services join
    /// every context (diagnostics, fault injection in tests).
    /// </summary>
    public static IServiceCollection AddFlowthroughData(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        var options = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();

        if (options.Provider == DatabaseProvider.Postgres)
        {
            services.AddDbContext<FlowthroughDbContext, PostgresFlowthroughDbContext>((provider, o) =>
                o.UseNpgsql(options.ConnectionString).AddInterceptors(provider.GetServices<IInterceptor>()));

            // One node's commits wake the others' workers (SQLite is one node: the in-process signal is enough).
            services.AddSingleton<ClusterWakeUp>();
            services.AddHostedService(provider => provider.GetRequiredService<ClusterWakeUp>());
        }
        else
        {
            var connectionString = PrepareSqlite(options.ConnectionString);
            var busyTimeout = new SqliteBusyTimeout(new SqliteConnectionStringBuilder(connectionString).DefaultTimeout * 1000);
            services.AddDbContext<FlowthroughDbContext, SqliteFlowthroughDbContext>((provider, o) =>
                o.UseSqlite(connectionString).AddInterceptors(provider.GetServices<IInterceptor>()).AddInterceptors(busyTimeout));
        }

        services.AddHostedService<MigrateOnStartService>();
        return services;
    }

    /// <summary>Creates the database file's folder, so a fresh checkout needs nothing made by hand.</summary>
    private static string PrepareSqlite(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (builder.DataSource is { Length: > 0 } file && file != ":memory:" && builder.Mode != SqliteOpenMode.Memory)
        {
            var folder = Path.GetDirectoryName(Path.GetFullPath(file));
            if (!string.IsNullOrEmpty(folder))
            {
                Directory.CreateDirectory(folder);
            }
        }

        // Concurrent writers (API, engine, relay) wait for the lock rather than fail at once.
        if (builder.DefaultTimeout < 30)
        {
            builder.DefaultTimeout = 30;
        }

        return builder.ToString();
    }

    /// <summary>Brings the schema up to date: the migrate command and the embedded profile's start-up.</summary>
    public static async Task MigrateAsync(FlowthroughDbContext db, CancellationToken cancellationToken)
    {
        await db.Database.MigrateAsync(cancellationToken);
        if (db.Database.IsSqlite())
        {
            // WAL lets readers run beside the one writer; the setting is stored in the file.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }
    }

    private sealed class MigrateOnStartService(IServiceScopeFactory scopes, IOptions<DatabaseOptions> options)
        : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            if (!options.Value.MigrateOnStart)
            {
                return;
            }

            await using var scope = scopes.CreateAsyncScope();
            await MigrateAsync(scope.ServiceProvider.GetRequiredService<FlowthroughDbContext>(), cancellationToken);
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
