using System.Diagnostics;
using System.Globalization;
using Flowthrough.Bench;

// Seeds a benchmark database: one partner, one admin, one template and N subscribers spread over every status.
//   dotnet run --project bench/Flowthrough.Bench -c Release -- --provider Sqlite|Postgres --connection "..." --count 1000000
var options = args.Chunk(2).Where(p => p.Length == 2 && p[0].StartsWith("--", StringComparison.Ordinal))
    .ToDictionary(p => p[0][2..], p => p[1], StringComparer.OrdinalIgnoreCase);
if (!options.TryGetValue("connection", out var connection))
{
    await Console.Error.WriteLineAsync("usage: --provider Sqlite|Postgres --connection CONNECTION_STRING [--count N]");
    return 2;
}

var provider = options.GetValueOrDefault("provider", "Sqlite");
var count = int.Parse(options.GetValueOrDefault("count", "1000000"), CultureInfo.InvariantCulture);
var clock = Stopwatch.StartNew();
var seeded = await BenchSeed.RunAsync(provider, connection, count);
Console.WriteLine($"Seeded {count:N0} subscribers on {provider} in {clock.Elapsed.TotalSeconds:0.0} s");
Console.WriteLine($"Template: {seeded.TemplateId}");
Console.WriteLine($"Admin: {seeded.AdminEmail} / {seeded.AdminPassword}");
return 0;
