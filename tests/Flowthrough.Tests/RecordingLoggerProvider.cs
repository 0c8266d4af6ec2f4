using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Flowthrough.Tests;

/// <summary>Keeps every log message (with its exception) at every level, for tests that assert what was or was not logged.</summary>
public sealed class RecordingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<(LogLevel Level, string Message)> entries = new();

    public IReadOnlyCollection<(LogLevel Level, string Message)> Entries => entries;

    public IReadOnlyCollection<string> Messages => [.. entries.Select(e => e.Message)];

    public ILogger CreateLogger(string categoryName) => new Recorder(entries);

    public void Dispose()
    {
    }

    private sealed class Recorder(ConcurrentQueue<(LogLevel Level, string Message)> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter) =>
            entries.Enqueue((logLevel, formatter(state, exception) + exception));
    }
}
