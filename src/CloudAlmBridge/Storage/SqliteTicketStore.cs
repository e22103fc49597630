using System.Globalization;
using CloudAlmBridge.Configuration;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace CloudAlmBridge.Storage;

/// <summary>The default storage: one SQLite file, nothing to install.</summary>
internal sealed class SqliteTicketStore : ITicketStore
{
    private const int SchemaVersion = 1;
    private readonly string _connectionString;

    public SqliteTicketStore(IOptions<BridgeOptions> options, IHostEnvironment environment)
    {
        var builder = new SqliteConnectionStringBuilder(options.Value.Storage.ConnectionString);
        if (builder.DataSource != ":memory:" && !Path.IsPathRooted(builder.DataSource))
        {
            // Relative to the content root, not the working directory: `dotnet run` and the container agree.
            builder.DataSource = Path.Combine(environment.ContentRootPath, builder.DataSource);
        }

        builder.Pooling = true;
        DatabasePath = builder.DataSource;
        _connectionString = builder.ToString();
    }

    public string DatabasePath { get; }

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(DatabasePath);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        await using var connection = await OpenAsync(cancellationToken);

        // WAL lets readers (the management API) run beside the writer; it is a property of the file, set once.
        await ExecuteAsync(connection, "PRAGMA journal_mode=WAL;", cancellationToken);
        await ExecuteAsync(connection, """
            CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
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
            """, cancellationToken);

        await using var version = connection.CreateCommand();
        version.CommandText = "SELECT MAX(version) FROM schema_version;";
        var current = await version.ExecuteScalarAsync(cancellationToken);
        if (current is DBNull or null)
        {
            version.CommandText = $"INSERT INTO schema_version (version) VALUES ({SchemaVersion});";
            await version.ExecuteNonQueryAsync(cancellationToken);
        }
        else if (Convert.ToInt32(current, CultureInfo.InvariantCulture) > SchemaVersion)
        {
            throw new InvalidOperationException(
                $"The database '{DatabasePath}' has schema version {current}, newer than this bridge's {SchemaVersion}: upgrade the bridge.");
        }
    }

    public async Task<TicketLink?> FindLinkAsync(string subscription, string situationId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT ticket_id, ticket_number, ticket_status, display_url, is_closed, created_at, updated_at
            FROM ticket_links WHERE subscription = $subscription AND situation_id = $situation;
            """;
        command.Parameters.AddWithValue("$subscription", subscription);
        command.Parameters.AddWithValue("$situation", situationId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new TicketLink
        {
            Subscription = subscription,
            SituationId = situationId,
            TicketId = reader.IsDBNull(0) ? null : reader.GetString(0),
            TicketNumber = reader.IsDBNull(1) ? null : reader.GetString(1),
            TicketStatus = reader.IsDBNull(2) ? null : reader.GetString(2),
            DisplayUrl = reader.IsDBNull(3) ? null : reader.GetString(3),
            IsClosed = reader.GetInt64(4) != 0,
            CreatedAt = ParseTime(reader.GetString(5)),
            UpdatedAt = ParseTime(reader.GetString(6)),
        };
    }

    public async Task SaveLinkAsync(TicketLink link, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO ticket_links (subscription, situation_id, ticket_id, ticket_number, ticket_status, display_url, is_closed, created_at, updated_at)
            VALUES ($subscription, $situation, $ticketId, $number, $status, $url, $closed, $created, $updated)
            ON CONFLICT (subscription, situation_id) DO UPDATE SET
                ticket_id = excluded.ticket_id, ticket_number = excluded.ticket_number, ticket_status = excluded.ticket_status,
                display_url = excluded.display_url, is_closed = excluded.is_closed, updated_at = excluded.updated_at;
            """;
        command.Parameters.AddWithValue("$subscription", link.Subscription);
        command.Parameters.AddWithValue("$situation", link.SituationId);
        command.Parameters.AddWithValue("$ticketId", (object?)link.TicketId ?? DBNull.Value);
        command.Parameters.AddWithValue("$number", (object?)link.TicketNumber ?? DBNull.Value);
        command.Parameters.AddWithValue("$status", (object?)link.TicketStatus ?? DBNull.Value);
        command.Parameters.AddWithValue("$url", (object?)link.DisplayUrl ?? DBNull.Value);
        command.Parameters.AddWithValue("$closed", link.IsClosed ? 1 : 0);
        command.Parameters.AddWithValue("$created", FormatTime(link.CreatedAt));
        command.Parameters.AddWithValue("$updated", FormatTime(link.UpdatedAt));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<long> RecordEventAsync(TicketEvent ticketEvent, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO ticket_events (subscription, situation_id, event_type, received_at, delivery_state, action, status_code, error, ticket_id)
            VALUES ($subscription, $situation, $eventType, $received, $state, $action, $status, $error, $ticketId)
            RETURNING id;
            """;
        command.Parameters.AddWithValue("$subscription", ticketEvent.Subscription);
        command.Parameters.AddWithValue("$situation", ticketEvent.SituationId);
        command.Parameters.AddWithValue("$eventType", ticketEvent.EventType);
        command.Parameters.AddWithValue("$received", FormatTime(ticketEvent.ReceivedAt));
        command.Parameters.AddWithValue("$state", ticketEvent.DeliveryState);
        command.Parameters.AddWithValue("$action", (object?)ticketEvent.Action ?? DBNull.Value);
        command.Parameters.AddWithValue("$status", (object?)ticketEvent.StatusCode ?? DBNull.Value);
        command.Parameters.AddWithValue("$error", (object?)ticketEvent.Error ?? DBNull.Value);
        command.Parameters.AddWithValue("$ticketId", (object?)ticketEvent.TicketId ?? DBNull.Value);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<IReadOnlyList<TicketEvent>> GetEventsAsync(string subscription, string situationId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT id, event_type, received_at, delivery_state, action, status_code, error, ticket_id
            FROM ticket_events WHERE subscription = $subscription AND situation_id = $situation ORDER BY id;
            """;
        command.Parameters.AddWithValue("$subscription", subscription);
        command.Parameters.AddWithValue("$situation", situationId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var events = new List<TicketEvent>();
        while (await reader.ReadAsync(cancellationToken))
        {
            events.Add(new TicketEvent
            {
                Id = reader.GetInt64(0),
                Subscription = subscription,
                SituationId = situationId,
                EventType = reader.GetString(1),
                ReceivedAt = ParseTime(reader.GetString(2)),
                DeliveryState = reader.GetString(3),
                Action = reader.IsDBNull(4) ? null : reader.GetString(4),
                StatusCode = reader.IsDBNull(5) ? null : reader.GetInt32(5),
                Error = reader.IsDBNull(6) ? null : reader.GetString(6),
                TicketId = reader.IsDBNull(7) ? null : reader.GetString(7),
            });
        }

        return events;
    }

    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, "SELECT 1 FROM ticket_links LIMIT 1;", cancellationToken);
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string FormatTime(DateTimeOffset time) => time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    private static DateTimeOffset ParseTime(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
