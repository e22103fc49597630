namespace CloudAlmBridge.Configuration;

public sealed class StorageOptions
{
    public const string Sqlite = "Sqlite";
    public const string PostgreSql = "PostgreSql";

    /// <summary><c>Sqlite</c> (default: a file, nothing to install, one instance) or <c>PostgreSql</c> (several instances).</summary>
    public string Provider { get; set; } = Sqlite;

    /// <summary>
    /// For SQLite, <c>Data Source=…</c> (a relative path is resolved against the content root); for PostgreSQL, an
    /// Npgsql connection string (<c>Host=db;Database=bridge;Username=bridge;Password=…</c>, pool size included).
    /// </summary>
    public string ConnectionString { get; set; } = "Data Source=data/bridge.db";

    /// <summary>
    /// Days a delivered or skipped delivery (with its attempts) is kept after it finished; dead letters stay until
    /// replayed. 0 keeps everything.
    /// </summary>
    public int RetentionDays { get; set; } = 30;

    /// <summary>This instance's name in claims and logs (default: the host name); a random suffix makes each start unique.</summary>
    public string? InstanceName { get; set; }
}
