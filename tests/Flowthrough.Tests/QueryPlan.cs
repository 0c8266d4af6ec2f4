using Flowthrough.Data;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.Tests;

/// <summary>The database's plan for a query (EXPLAIN on PostgreSQL, EXPLAIN QUERY PLAN on SQLite), as one text.</summary>
public static class QueryPlan
{
    /// <param name="preferIndexes">
    /// Tells PostgreSQL not to prefer a scan, for a query on an (almost) empty table; false on a table seeded with data
    /// and analysed, where the plan is the one production would get.
    /// </param>
    public static async Task<string> ExplainAsync<T>(FlowthroughDbContext db, IQueryable<T> query, bool preferIndexes = true)
    {
        ArgumentNullException.ThrowIfNull(db);
        await db.Database.OpenConnectionAsync();
        if (preferIndexes && db.Database.IsNpgsql())
        {
            // An empty table would be scanned; the planner is told not to prefer that.
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
