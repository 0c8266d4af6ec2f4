using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Flowthrough.Data;

/// <summary>What a failed save means, the same on both providers.</summary>
public static class DbErrors
{
    private const int SqliteConstraint = 19;
    private const int SqliteConstraintUnique = 2067;
    private const int SqliteConstraintPrimaryKey = 1555;

    // SQLite's primary result codes that mean "the storage, not the request": busy or locked past the busy timeout,
    // an I/O error, the disk (or max_page_count) full, the file cannot be opened.
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;
    private const int SqliteIoError = 10;
    private const int SqliteFull = 13;
    private const int SqliteCantOpen = 14;

    /// <summary>What a caller is told to wait before repeating a call the database could not take.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    /// <summary>A unique index refused the row: a concurrent request wrote the same key first.</summary>
    public static bool IsUniqueViolation(this DbUpdateException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception.InnerException switch
        {
            PostgresException postgres => postgres.SqlState == PostgresErrorCodes.UniqueViolation,
            SqliteException sqlite => sqlite.SqliteErrorCode == SqliteConstraint
                && sqlite.SqliteExtendedErrorCode is SqliteConstraintUnique or SqliteConstraintPrimaryKey,
            _ => false,
        };
    }

    /// <summary>
    /// PostgreSQL refused a serializable transaction because a concurrent one read what it wrote (40001): repeat it.
    /// SQLite never answers this: its write lock already serialises writers.
    /// </summary>
    public static bool IsSerializationFailure(this Exception exception)
    {
        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            if (inner is PostgresException { SqlState: PostgresErrorCodes.SerializationFailure })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The database could not take the request for now (PostgreSQL restarting or unreachable, SQLite's disk full or
    /// file locked): nothing was committed, and the same call succeeds once the database is back. Callers answer 503
    /// with Retry-After rather than 500; the one rule for both providers lives here.
    /// </summary>
    public static bool IsTransient(this Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            if (inner is AggregateException aggregate)
            {
                return aggregate.InnerExceptions.Any(IsTransient);
            }

            if (IsTransientItself(inner))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsTransientItself(Exception exception) => exception switch
    {
        // Server shutting down or starting (57P01-57P03), out of resources (class 53: disk full, too many
        // connections), connection failures (class 08); Npgsql's own IsTransient also covers broken streams.
        PostgresException postgres => postgres.IsTransient || postgres.SqlState.StartsWith("57P", StringComparison.Ordinal)
            || postgres.SqlState.StartsWith("53", StringComparison.Ordinal) || postgres.SqlState.StartsWith("08", StringComparison.Ordinal),
        NpgsqlException npgsql => npgsql.IsTransient,
        SqliteException sqlite => sqlite.SqliteErrorCode is SqliteBusy or SqliteLocked or SqliteIoError or SqliteFull or SqliteCantOpen,
        SocketException => true,
        _ => false,
    };
}
