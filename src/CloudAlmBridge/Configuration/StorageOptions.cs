namespace CloudAlmBridge.Configuration;

public sealed class StorageOptions
{
    public const string Sqlite = "Sqlite";
    public const string PostgreSql = "PostgreSql";

    /// <summary><c>Sqlite</c> (default: a file, nothing to install) or <c>PostgreSql</c>.</summary>
    public string Provider { get; set; } = Sqlite;

    /// <summary>For SQLite, a relative <c>Data Source</c> is resolved against the content root.</summary>
    public string ConnectionString { get; set; } = "Data Source=data/bridge.db";
}
