using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Flowthrough.Tests.Data.Faults;

/// <summary>
/// A PostgreSQL 15 cluster of the test's own (as scripts/throwaway-postgres.sh makes one), which the test may stop and
/// start under load. Commits are synchronous (the default): a stop in immediate mode loses nothing acknowledged.
/// Skips the test where the server binaries are missing or the test can run neither as root nor as postgres.
/// </summary>
public sealed class ThrowawayPostgres : IAsyncDisposable
{
    private const string Bin = "/usr/lib/postgresql/15/bin";
    private readonly string directory;
    private readonly int port;

    private ThrowawayPostgres(string directory, int port)
    {
        this.directory = directory;
        this.port = port;
    }

    public string ServerConnection =>
        $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Timeout=3;Command Timeout=10";

    public static async Task<ThrowawayPostgres> StartNewAsync()
    {
        if (!File.Exists(Path.Combine(Bin, "pg_ctl")) || (!IsRoot && Environment.UserName != "postgres"))
        {
            Assert.Skip($"A throwaway cluster needs {Bin} and root (or the postgres user).");
        }

        var directory = Directory.CreateTempSubdirectory("flowthrough-pg-fault-").FullName;
        if (IsRoot)
        {
            await RunAsync("chown", ["postgres:postgres", directory]);
        }

        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var cluster = new ThrowawayPostgres(directory, port);
        await AsPostgresAsync($"{Bin}/initdb -D '{directory}/data' --auth=trust -U postgres --encoding=UTF8 --locale=C.UTF-8");
        await cluster.StartAsync();
        return cluster;
    }

    public Task StartAsync() => AsPostgresAsync($"{Bin}/pg_ctl -D '{directory}/data' -l '{directory}/server.log' -w -t 60 start " +
        $"-o '-p {port} -k {directory} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200'");

    /// <summary>Stops the server the hard way (every backend killed at once), as a crash or failover would.</summary>
    public Task StopAsync() => AsPostgresAsync($"{Bin}/pg_ctl -D '{directory}/data' -w stop -m immediate");

    private static bool IsRoot => Environment.UserName == "root";

    private static Task AsPostgresAsync(string command) => IsRoot
        ? RunAsync("su", ["postgres", "-s", "/bin/sh", "-c", $"cd / && {command}"])
        : RunAsync("sh", ["-c", command]);

    private static async Task RunAsync(string file, string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        process.ExitCode.Should().Be(0, $"{file} {string.Join(' ', args)}: {await output}{await error}");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Already stopped.
        }

        Directory.Delete(directory, recursive: true);
    }
}
