using System.Globalization;
using Flowthrough.Data;
using Microsoft.EntityFrameworkCore;

namespace Flowthrough.Bench;

/// <summary>The command line of every subcommand: <c>--name value</c> pairs, plus the database they all open.</summary>
public sealed class BenchOptions(IReadOnlyDictionary<string, string> values)
{
    public static BenchOptions Parse(IEnumerable<string> args) => new(args.Chunk(2)
        .Where(p => p.Length == 2 && p[0].StartsWith("--", StringComparison.Ordinal))
        .ToDictionary(p => p[0][2..], p => p[1], StringComparer.OrdinalIgnoreCase));

    public string? Get(string name) => values.GetValueOrDefault(name);

    public string Get(string name, string fallback) => values.GetValueOrDefault(name, fallback);

    public string Required(string name) =>
        values.TryGetValue(name, out var value) ? value : throw new ArgumentException($"--{name} is required");

    public int Number(string name, int fallback) =>
        values.TryGetValue(name, out var value) ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

    public bool Postgres => string.Equals(Get("provider", "Sqlite"), "Postgres", StringComparison.OrdinalIgnoreCase);

    public string Connection => Required("connection");

    /// <summary>A context on the benchmark database, built the way the app builds it.</summary>
    public FlowthroughDbContext OpenDb() => Postgres
        ? new PostgresFlowthroughDbContext(new DbContextOptionsBuilder<PostgresFlowthroughDbContext>().UseNpgsql(Connection).Options)
        : new SqliteFlowthroughDbContext(new DbContextOptionsBuilder<SqliteFlowthroughDbContext>()
            .UseSqlite(Connection + ";Default Timeout=30").Options);
}

/// <summary>Figures go to stdout as <c>Name: value</c> lines, invariant culture, so bench.sh can read them with sed.</summary>
public static class Report
{
    public static void Line(string name, object value) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: {value}"));

    public static void Figure(string name, double value) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: {value:0.###}"));
}
