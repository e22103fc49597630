using System.Globalization;
using CloudAlmBridge.Configuration;
using Microsoft.Data.Sqlite;

namespace CloudAlmBridge.Storage;

/// <summary>The SQLite file: where it is, how to open it, and its schema (created or migrated once per process).</summary>
internal sealed class SqliteDatabase
{
    private const int SchemaVersion = 3;
    private readonly string _connectionString;
    private readonly SemaphoreSlim _initialization = new(1, 1);
    private volatile bool _initialized;

    /// <remarks>
    /// Reads its section straight from configuration rather than IOptions&lt;BridgeOptions&gt;: the options' validation
    /// looks up stored mappings, which needs the database, and must not wait on itself.
    /// </remarks>
    public SqliteDatabase(IConfiguration configuration, IHostEnvironment environment)
    {
        var storage = configuration.GetSection($"{BridgeOptions.SectionName}:Storage").Get<StorageOptions>() ?? new StorageOptions();
        var builder = new SqliteConnectionStringBuilder(storage.ConnectionString);
        if (builder.DataSource != ":memory:" && !Path.IsPathRooted(builder.DataSource))
        {
            // Relative to the content root, not the working directory: `dotnet run` and the container agree.
            builder.DataSource = Path.Combine(environment.ContentRootPath, builder.DataSource);
        }

        builder.Pooling = true;
        FilePath = builder.DataSource;
        _connectionString = builder.ToString();
    }

    public string FilePath { get; }

    /// <summary>Opens a connection on an initialized database; the first call creates or migrates the schema.</summary>
    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (!_initialized)
        {
            await InitializeAsync(cancellationToken);
        }

        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    /// <summary>Idempotent: creates the file, its folder and the schema, or migrates an older schema.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await _initialization.WaitAsync(cancellationToken);
        try
        {
            if (_initialized)
            {
                return;
            }

            var directory = Path.GetDirectoryName(FilePath);
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }

            await using var connection = new SqliteConnection(_connectionString);
            await connection.OpenAsync(cancellationToken);

            // WAL lets readers (the management API) run beside the writer; it is a property of the file, set once.
            await ExecuteAsync(connection, "PRAGMA journal_mode=WAL;", cancellationToken);
            await ExecuteAsync(connection, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);", cancellationToken);
            var current = await CurrentVersionAsync(connection, cancellationToken);
            if (current > SchemaVersion)
            {
                throw new InvalidOperationException(
                    $"The database '{FilePath}' has schema version {current}, newer than this bridge's {SchemaVersion}: upgrade the bridge.");
            }

            // Each step brings the schema from version i-1 to i; steps are idempotent (IF NOT EXISTS).
            for (var version = current + 1; version <= SchemaVersion; version++)
            {
                await using var transaction = connection.BeginTransaction();
                await ExecuteAsync(connection, Migrations[version - 1], cancellationToken, transaction);
                await ExecuteAsync(connection, $"DELETE FROM schema_version; INSERT INTO schema_version (version) VALUES ({version});",
                    cancellationToken, transaction);
                await transaction.CommitAsync(cancellationToken);
            }

            _initialized = true;
        }
        finally
        {
            _initialization.Release();
        }
    }

    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE IF NOT EXISTS ticket_links (
            subscription   TEXT NOT NULL,
            situation_id   TEXT NOT NULL,
            ticket_id      TEXT NULL,
            ticket_number  TEXT NULL,
            ticket_status  TEXT NULL,
            display_url    TEXT NULL,
            is_closed      INTEGER NOT NULL DEFAULT 0,
            created_at     TEXT NOT NULL,
            updated_at     TEXT NOT NULL,
            PRIMARY KEY (subscription, situation_id)
        );
        CREATE TABLE IF NOT EXISTS ticket_events (
            id             INTEGER PRIMARY KEY AUTOINCREMENT,
            subscription   TEXT NOT NULL,
            situation_id   TEXT NOT NULL,
            event_type     TEXT NOT NULL,
            received_at    TEXT NOT NULL,
            delivery_state TEXT NOT NULL,
            action         TEXT NULL,
            status_code    INTEGER NULL,
            error          TEXT NULL,
            ticket_id      TEXT NULL
        );
        CREATE INDEX IF NOT EXISTS ix_ticket_events_situation ON ticket_events (subscription, situation_id, id);
        """,
        """
        CREATE TABLE IF NOT EXISTS mappings (
            name        TEXT NOT NULL PRIMARY KEY COLLATE NOCASE,
            document    TEXT NOT NULL,
            version     INTEGER NOT NULL,
            updated_at  TEXT NOT NULL
        );
        """,
        """
        CREATE TABLE IF NOT EXISTS deliveries (
            id              INTEGER PRIMARY KEY AUTOINCREMENT,
            subscription    TEXT NOT NULL,
            situation_id    TEXT NOT NULL,
            event_type      TEXT NOT NULL,
            dedupe_key      TEXT NOT NULL,
            body_hash       TEXT NOT NULL,
            message         TEXT NOT NULL,
            state           TEXT NOT NULL,
            attempts        INTEGER NOT NULL DEFAULT 0,
            accepted_at     TEXT NOT NULL,
            queued_at       TEXT NOT NULL,
            next_attempt_at TEXT NOT NULL,
            lease_until     TEXT NULL,
            action          TEXT NULL,
            ticket_created  INTEGER NOT NULL DEFAULT 0,
            last_status     INTEGER NULL,
            last_error      TEXT NULL,
            completed_at    TEXT NULL
        );
        -- Dedupe by constraint, never check-then-insert: a duplicate insert fails and is answered like the original.
        CREATE UNIQUE INDEX IF NOT EXISTS ux_deliveries_event ON deliveries (subscription, situation_id, event_type, dedupe_key);
        CREATE UNIQUE INDEX IF NOT EXISTS ux_deliveries_body ON deliveries (subscription, body_hash);
        CREATE INDEX IF NOT EXISTS ix_deliveries_pending ON deliveries (state, next_attempt_at);
        CREATE INDEX IF NOT EXISTS ix_deliveries_situation ON deliveries (subscription, situation_id, id);
        CREATE TABLE IF NOT EXISTS delivery_attempts (
            id              INTEGER PRIMARY KEY AUTOINCREMENT,
            delivery_id     INTEGER NOT NULL REFERENCES deliveries (id),
            attempted_at    TEXT NOT NULL,
            outcome         TEXT NOT NULL,
            status_code     INTEGER NULL,
            error           TEXT NULL,
            next_attempt_at TEXT NULL
        );
        CREATE INDEX IF NOT EXISTS ix_delivery_attempts_delivery ON delivery_attempts (delivery_id, id);
        -- The deliveries are the event history now.
        DROP TABLE IF EXISTS ticket_events;
        """,
    ];

    public static string FormatTime(DateTimeOffset time) => time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    public static DateTimeOffset ParseTime(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    private static async Task<int> CurrentVersionAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT MAX(version) FROM schema_version;";
        var value = await command.ExecuteScalarAsync(cancellationToken);
        if (value is not (DBNull or null))
        {
            return Convert.ToInt32(value, CultureInfo.InvariantCulture);
        }

        // A file from before the version table had ticket_links already: that is version 1.
        command.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'ticket_links';";
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) > 0 ? 1 : 0;
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken,
        SqliteTransaction? transaction = null)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
