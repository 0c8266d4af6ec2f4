using Flowthrough.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Flowthrough.Tests.Data;

public sealed class SqliteBusyTimeoutTests
{
    [Fact]
    public async Task The_apps_SQLite_connections_let_SQLite_wait_for_the_write_lock_as_long_as_the_command_timeout()
    {
        Assert.SkipWhen(TestDatabase.Provider != DatabaseProvider.Sqlite, "PostgreSQL queues lock waiters itself");
        await using var app = await FlowthroughApplication.CreateAsync();
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FlowthroughDbContext>();

        // Twice: the second open takes the pooled native connection back, and it must still have the setting.
        for (var open = 0; open < 2; open++)
        {
            await db.Database.OpenConnectionAsync();
            await using (var command = db.Database.GetDbConnection().CreateCommand())
            {
                command.CommandText = "PRAGMA busy_timeout";
                Convert.ToInt32(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture)
                    .Should().Be(30_000, "without it a writer meeting the lock sleeps 150 ms in Microsoft.Data.Sqlite's retry");
            }

            await db.Database.CloseConnectionAsync();
        }
    }
}
