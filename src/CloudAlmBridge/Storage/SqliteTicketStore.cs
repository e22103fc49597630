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
            SELECT subscription, situation_id, ticket_id, ticket_number, ticket_status, display_url, is_closed, created_at, updated_at
            FROM ticket_links WHERE subscription = $subscription AND situation_id = $situation;
            """;
        command.Parameters.AddWithValue("$subscription", subscription);
        command.Parameters.AddWithValue("$situation", situationId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return ReadLink(reader);
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

    public async Task<IReadOnlyList<TicketLink>> ListLinksAsync(string? subscription, string? status, int skip, int take,
        CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT subscription, situation_id, ticket_id, ticket_number, ticket_status, display_url, is_closed, created_at, updated_at
            FROM ticket_links
            WHERE ($subscription IS NULL OR subscription = $subscription)
              AND ($status IS NULL OR ticket_status = $status COLLATE NOCASE)
            ORDER BY created_at, subscription, situation_id LIMIT $take OFFSET $skip;
            """;
        command.Parameters.AddWithValue("$subscription", (object?)subscription ?? DBNull.Value);
        command.Parameters.AddWithValue("$status", (object?)status ?? DBNull.Value);
        command.Parameters.AddWithValue("$take", take);
        command.Parameters.AddWithValue("$skip", skip);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var links = new List<TicketLink>();
        while (await reader.ReadAsync(cancellationToken))
        {
            links.Add(ReadLink(reader));
        }

        return links;
    }

    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT 1 FROM ticket_links LIMIT 1;";
        await command.ExecuteScalarAsync(cancellationToken);
    }

    /// <summary>A row of <c>subscription, situation_id, ticket_id, ticket_number, ticket_status, display_url, is_closed, created_at, updated_at</c>.</summary>
    private static TicketLink ReadLink(SqliteDataReader reader) => new()
    {
        Subscription = reader.GetString(0),
        SituationId = reader.GetString(1),
        TicketId = reader.IsDBNull(2) ? null : reader.GetString(2),
        TicketNumber = reader.IsDBNull(3) ? null : reader.GetString(3),
        TicketStatus = reader.IsDBNull(4) ? null : reader.GetString(4),
        DisplayUrl = reader.IsDBNull(5) ? null : reader.GetString(5),
        IsClosed = reader.GetInt64(6) != 0,
        CreatedAt = ParseTime(reader.GetString(7)),
        UpdatedAt = ParseTime(reader.GetString(8)),
    };

    private Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken) => database.OpenAsync(cancellationToken);

    private static string FormatTime(DateTimeOffset time) => SqliteDatabase.FormatTime(time);

    private static DateTimeOffset ParseTime(string text) => SqliteDatabase.ParseTime(text);
}
