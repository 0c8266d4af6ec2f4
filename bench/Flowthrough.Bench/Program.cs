using Flowthrough.Bench;

// The benchmark tool bench.sh drives (README "Benchmarks"). Every command takes --provider Sqlite|Postgres and
// --connection, and prints its figures as "Name: value" lines:
//   seed          one partner, admin, API token and template; --count N subscribers (--mix mixed: every status;
//                 engine: trusted, in provisioning, not yet due); --trusted true; --xsi URL of the cluster
//   ceiling       --count N rows into a scratch table in batches of 1,000: the database's raw write rate
//   batch         --url --provisioning-id --account --password --count N [--concurrency C]: users:batch of 1,000
//   engine-run    makes the seeded engine rows due and waits until none is left in provisioning
//   outbox-seed   --count M queued messages, not yet due; outbox-run makes them due and waits until all are sent
//   portal-run    --url --slug --mail DIR --count N --rate R: portal activations (simulator users) at R a second
//   storage       bytes per subscriber (--count N) after a checkpoint
if (args.Length == 0)
{
    await Console.Error.WriteLineAsync("usage: Flowthrough.Bench COMMAND --provider Sqlite|Postgres --connection CS [...]");
    return 2;
}

// The first release took no command: seeding was all it did.
var command = args[0].StartsWith("--", StringComparison.Ordinal) ? "seed" : args[0];
var options = BenchOptions.Parse(command == args[0] ? args.Skip(1) : args);
return command switch
{
    "seed" => await BenchSeed.RunAsync(options),
    "ceiling" => await InsertCeiling.RunAsync(options),
    "batch" => await BatchDriver.RunAsync(options),
    "engine-run" => await EngineRun.RunAsync(options),
    "outbox-seed" => await OutboxBench.SeedAsync(options),
    "outbox-run" => await OutboxBench.RunAsync(options),
    "portal-run" => await PortalDriver.RunAsync(options),
    "storage" => await StorageReport.RunAsync(options),
    _ => Unknown(command),
};

static int Unknown(string command)
{
    Console.Error.WriteLine($"Flowthrough.Bench: unknown command {command}");
    return 2;
}
