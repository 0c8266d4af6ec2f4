using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Flowthrough.Data;

/// <summary>
/// Lets SQLite itself wait for the write lock. Microsoft.Data.Sqlite does not set SQLite's busy timeout: a writer that
/// finds the lock taken gets SQLITE_BUSY and the driver retries after sleeping 150 ms, so under concurrent writers
/// (bridge, portal, engine, relay) every collision costs at least 150 ms. SQLite's own busy handler retries after 1, 2,
/// 5, 10 … 100 ms instead, and takes the lock soon after it is released. The driver's retry stays behind it for the
/// cases SQLite returns at once (a read transaction that cannot become a write one).
/// </summary>
internal sealed class SqliteBusyTimeout(int timeoutMilliseconds) : DbConnectionInterceptor
{
    // Set on every open: the pool hands back the same native connection, and one PRAGMA costs microseconds.
    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData,
        CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    private void Apply(DbConnection connection)
    {
        if (connection is SqliteConnection sqlite)
        {
            using var command = sqlite.CreateCommand();
            command.CommandText = $"PRAGMA busy_timeout = {timeoutMilliseconds};";
            command.ExecuteNonQuery();
        }
    }
}
