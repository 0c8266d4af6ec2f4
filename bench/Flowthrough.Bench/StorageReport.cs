using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.Bench;

/// <summary>
/// Bytes the database holds per subscriber: on SQLite the whole file after a checkpoint (with the app stopped), on
/// PostgreSQL every table of the schema with its indexes and TOAST (pg_total_relation_size).
/// </summary>
public static class StorageReport
{
    public static async Task<int> RunAsync(BenchOptions options)
    {
        var count = options.Number("count", 1);
        await using var db = options.OpenDb();
        long bytes;
        if (options.Postgres)
        {
            bytes = await db.Database.SqlQueryRaw<long>("""
                SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0)::bigint AS "Value"
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE c.relkind IN ('r', 'p') AND n.nspname = current_schema()
                """).SingleAsync();
        }
        else
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(TRUNCATE);");
            var file = new SqliteConnectionStringBuilder(options.Connection).DataSource;
            bytes = new FileInfo(file).Length + (File.Exists(file + "-wal") ? new FileInfo(file + "-wal").Length : 0);
        }

        Report.Line("Bytes", bytes);
        Report.Figure("BytesPerSubscriber", bytes / (double)Math.Max(count, 1));
        return 0;
    }
}
