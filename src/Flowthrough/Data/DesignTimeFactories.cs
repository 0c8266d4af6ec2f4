using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Flowthrough.Data;

/// <summary>Used only by <c>dotnet ef migrations add</c>; each provider keeps its migrations in its own folder.</summary>
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteFlowthroughDbContext>
{
    public SqliteFlowthroughDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteFlowthroughDbContext>().UseSqlite("Data Source=design.db").Options);
}

internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresFlowthroughDbContext>
{
    public PostgresFlowthroughDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresFlowthroughDbContext>().UseNpgsql("Host=localhost").Options);
}
