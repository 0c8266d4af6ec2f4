using Flowthrough.Data;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.Tests;

/// <summary>The database's plan for a query (EXPLAIN on PostgreSQL, EXPLAIN QUERY PLAN on SQLite), as one text.</summary>
public static class QueryPlan
{
    public static async Task<string> ExplainAsync<T>(FlowthroughDbContext db, IQueryable<T> query)
    {
        ArgumentNullException.ThrowIfNull(db);
        await db.Database.OpenConnectionAsync();
        if (db.Database.IsNpgsql())
        {
            // An empty table would be scanned; the planner is told not to prefer that, as in the engine's plan test.
            await db.Database.ExecuteSqlRawAsync("SET enable_seqscan = off");
        }

        await using var command = query.CreateDbCommand();
        command.CommandText = (db.Database.IsNpgsql() ? "EXPLAIN " : "EXPLAIN QUERY PLAN ") + command.CommandText;
        var plan = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                plan.Add(reader.GetValue(reader.FieldCount - 1)?.ToString() ?? "");
            }
        }

        return string.Join('\n', plan);
    }
}
