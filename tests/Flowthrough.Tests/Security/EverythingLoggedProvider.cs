using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Flowthrough.Tests.Security;

/// <summary>
/// Keeps everything a log call hands over, at every level: the formatted message, the exception, each value of the
/// state, and each scope with its values. What a structured sink (JSON console, OpenTelemetry) would write.
/// </summary>
public sealed class EverythingLoggedProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<(string Category, string Text)> entries = new();

    public IReadOnlyCollection<(string Category, string Text)> Entries => entries;

    public ILogger CreateLogger(string categoryName) => new Recorder(categoryName, entries);

    public void Dispose()
    {
    }

    private static string Describe(object? state) => state switch
    {
        null => "",
        IEnumerable<KeyValuePair<string, object?>> values => string.Join(" ", values.Select(v => $"{v.Key}={Flatten(v.Value)}"))
            + " " + state,
        _ => state.ToString() ?? "",
    };

    private static string Flatten(object? value) => value switch
    {
        null => "",
        string text => text,
        System.Collections.IEnumerable many => string.Join(",", many.Cast<object?>().Select(v => v?.ToString())),
        _ => value.ToString() ?? "",
    };

    private sealed class Recorder(string category, ConcurrentQueue<(string Category, string Text)> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull
        {
            entries.Enqueue((category, "scope: " + Describe(state)));
            return null;
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter) =>
            entries.Enqueue((category, $"{logLevel} {formatter(state, exception)} | {Describe(state)} | {exception}"));
    }
}
