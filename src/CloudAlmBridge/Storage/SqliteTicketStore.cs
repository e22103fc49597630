using Microsoft.Data.Sqlite;

namespace CloudAlmBridge.Storage;

/// <summary>The default storage: one SQLite file, nothing to install.</summary>
internal sealed class SqliteTicketStore(SqliteDatabase database) : ITicketStore
{
    public Task InitializeAsync(CancellationToken cancellationToken) => database.InitializeAsync(cancellationToken);

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
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT 1 FROM ticket_links LIMIT 1;";
        await command.ExecuteScalarAsync(cancellationToken);
    }

    private Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken) => database.OpenAsync(cancellationToken);

    private static string FormatTime(DateTimeOffset time) => SqliteDatabase.FormatTime(time);

    private static DateTimeOffset ParseTime(string text) => SqliteDatabase.ParseTime(text);
}
