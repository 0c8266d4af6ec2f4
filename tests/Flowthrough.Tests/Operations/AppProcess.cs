using System.Diagnostics;

namespace Flowthrough.Tests.Operations;

/// <summary>The built app run as its own process, the way an operator runs it: a command, or the server.</summary>
public static class AppProcess
{
    public sealed record Result(int ExitCode, string Output, string Error);

    /// <summary>Environment that points the app at <paramref name="database"/>, quiet but for warnings.</summary>
    public static Dictionary<string, string> EnvironmentFor(TestDatabase database) => new()
    {
        ["Database__Provider"] = TestDatabase.Provider.ToString(),
        ["Database__ConnectionString"] = database.ConnectionString,
        ["Logging__LogLevel__Default"] = "Warning",
        ["Outbound__AllowedNetworks"] = "127.0.0.0/8;::1/128",
    };

    public static ProcessStartInfo StartInfo(IReadOnlyDictionary<string, string> environment, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Flowthrough.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        return start;
    }

    /// <summary>Runs a command to its end.</summary>
    public static async Task<Result> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        using var process = Process.Start(StartInfo(environment, args))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return new Result(process.ExitCode, await output, await error);
    }

    public static Task<Result> RunAsync(TestDatabase database, params string[] args) =>
        RunAsync(EnvironmentFor(database), args);
}
