using Flowthrough.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Flowthrough.Tests.Data;

public sealed class MigrationsTests
{
    [Fact]
    public async Task Migrations_build_an_empty_database_that_matches_the_model()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var db = database.CreateContext();

        (await db.Database.GetPendingMigrationsAsync()).Should().BeEmpty();
        db.Database.HasPendingModelChanges().Should().BeFalse("every model change needs a migration for both providers");

        // Every mapped table exists and answers a query.
        foreach (var entity in db.Model.GetEntityTypes())
        {
            var table = entity.GetTableName();
            var sql = "SELECT COUNT(*) AS \"Value\" FROM \"" + table + "\"";
            var count = await db.Database.SqlQueryRaw<int>(sql).SingleAsync();
            count.Should().BeGreaterThanOrEqualTo(0);
        }
    }

    [Fact]
    public void Both_providers_have_the_same_migrations_in_the_same_order()
    {
        static List<string> Names(FlowthroughDbContext db) =>
            [.. db.GetService<IMigrationsAssembly>().Migrations.Keys.Select(id => id[(id.IndexOf('_', StringComparison.Ordinal) + 1)..])];

        using var sqlite = TestDatabase.CreateContext(DatabaseProvider.Sqlite, "Data Source=:memory:");
        using var postgres = TestDatabase.CreateContext(DatabaseProvider.Postgres, "Host=unused");

        Names(sqlite).Should().NotBeEmpty().And.Equal(Names(postgres));
        sqlite.Database.HasPendingModelChanges().Should().BeFalse();
        postgres.Database.HasPendingModelChanges().Should().BeFalse();
    }

    [Fact]
    public async Task Sqlite_runs_in_wal_mode_after_migrating()
    {
        var file = Path.Combine(Path.GetTempPath(), $"flowthrough-wal-{Guid.NewGuid():N}.db");
        try
        {
            await using var db = TestDatabase.CreateContext(DatabaseProvider.Sqlite, $"Data Source={file};Pooling=false");
            await DataServiceCollectionExtensions.MigrateAsync(db, TestContext.Current.CancellationToken);

            var mode = await db.Database.SqlQueryRaw<string>("PRAGMA journal_mode").ToListAsync();
            mode.Single().Should().Be("wal");
        }
        finally
        {
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                File.Delete(file + suffix);
            }
        }
    }
}
