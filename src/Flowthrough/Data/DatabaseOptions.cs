using System.ComponentModel.DataAnnotations;

namespace Flowthrough.Data;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

public sealed class DatabaseOptions
{
    public const string Section = "Database";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    [Required]
    public string ConnectionString { get; set; } = "Data Source=data/flowthrough.db";

    /// <summary>Apply pending migrations at start-up (the embedded profile); otherwise run the migrate command.</summary>
    public bool MigrateOnStart { get; set; } = true;
}
