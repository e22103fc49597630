using Microsoft.Data.Sqlite;

namespace CloudAlmBridge.Storage;

internal sealed class SqliteDeliveryStore(SqliteDatabase database) : IDeliveryStore
{
    private const string Columns = """
        id, subscription, situation_id, event_type, message, state, attempts, accepted_at, queued_at, next_attempt_at,
        action, ticket_created, last_status, last_error, completed_at
        """;

    // SQLite's extended result code for a UNIQUE constraint violation.
    private const int UniqueViolation = 2067;

    public async Task<(DeliveryRecord Delivery, bool IsDuplicate)> AcceptAsync(NewDelivery delivery, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        try
        {
            await using var insert = connection.CreateCommand();
            insert.CommandText = $"""
                INSERT INTO deliveries (subscription, situation_id, event_type, dedupe_key, body_hash, message, state, accepted_at, queued_at, next_attempt_at)
                VALUES ($subscription, $situation, $eventType, $dedupe, $hash, $message, 'Queued', $now, $now, $now)
                RETURNING {Columns};
                """;
            insert.Parameters.AddWithValue("$subscription", delivery.Subscription);
            insert.Parameters.AddWithValue("$situation", delivery.SituationId);
            insert.Parameters.AddWithValue("$eventType", delivery.EventType);
            insert.Parameters.AddWithValue("$dedupe", delivery.DedupeKey);
            insert.Parameters.AddWithValue("$hash", delivery.BodyHash);
            insert.Parameters.AddWithValue("$message", delivery.Message);
            insert.Parameters.AddWithValue("$now", SqliteDatabase.FormatTime(delivery.AcceptedAt));
            return ((await ReadAllAsync(insert, cancellationToken))[0], false);
        }
        catch (SqliteException exception) when (exception.SqliteExtendedErrorCode == UniqueViolation)
        {
            // Already accepted: the unique indexes said so, atomically.
            await using var existing = connection.CreateCommand();
            existing.CommandText = $"""
                SELECT {Columns} FROM deliveries
                WHERE subscription = $subscription
                  AND ((situation_id = $situation AND event_type = $eventType AND dedupe_key = $dedupe) OR body_hash = $hash)
                ORDER BY id LIMIT 1;
                """;
            existing.Parameters.AddWithValue("$subscription", delivery.Subscription);
            existing.Parameters.AddWithValue("$situation", delivery.SituationId);
            existing.Parameters.AddWithValue("$eventType", delivery.EventType);
            existing.Parameters.AddWithValue("$dedupe", delivery.DedupeKey);
            existing.Parameters.AddWithValue("$hash", delivery.BodyHash);
            return ((await ReadAllAsync(existing, cancellationToken))[0], true);
        }
    }

    public async Task<IReadOnlyList<DeliveryRecord>> ClaimDueAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int limit,
        CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();

        // One statement: SQLite runs it atomically, so two claimers never take the same row. Only the oldest pending
        // delivery of a situation qualifies; a later one waits until every earlier one is delivered or dead-lettered.
        command.CommandText = $"""
            UPDATE deliveries SET lease_until = $lease
            WHERE id IN (
                SELECT d.id FROM deliveries d
                WHERE d.state IN ('Queued', 'Retrying') AND d.next_attempt_at <= $now
                  AND (d.lease_until IS NULL OR d.lease_until < $now)
                  AND NOT EXISTS (
                      SELECT 1 FROM deliveries e
                      WHERE e.subscription = d.subscription AND e.situation_id = d.situation_id
                        AND e.id < d.id AND e.state IN ('Queued', 'Retrying'))
                ORDER BY d.id
                LIMIT $limit)
            RETURNING {Columns};
            """;
        command.Parameters.AddWithValue("$now", SqliteDatabase.FormatTime(now));
        command.Parameters.AddWithValue("$lease", SqliteDatabase.FormatTime(leaseUntil));
        command.Parameters.AddWithValue("$limit", limit);
        var claimed = await ReadAllAsync(command, cancellationToken);
        return claimed.OrderBy(d => d.Id).ToList();
    }

    public async Task CompleteAttemptAsync(long id, DeliveryAttempt attempt, string state, string? action, bool ticketCreated,
        CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction();
        await using (var insert = connection.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = """
                INSERT INTO delivery_attempts (delivery_id, attempted_at, outcome, status_code, error, next_attempt_at)
                VALUES ($id, $at, $outcome, $status, $error, $next);
                """;
            insert.Parameters.AddWithValue("$id", id);
            insert.Parameters.AddWithValue("$at", SqliteDatabase.FormatTime(attempt.AttemptedAt));
            insert.Parameters.AddWithValue("$outcome", attempt.Outcome);
            insert.Parameters.AddWithValue("$status", (object?)attempt.StatusCode ?? DBNull.Value);
            insert.Parameters.AddWithValue("$error", (object?)attempt.Error ?? DBNull.Value);
            insert.Parameters.AddWithValue("$next", attempt.NextAttemptAt is { } next ? SqliteDatabase.FormatTime(next) : DBNull.Value);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var update = connection.CreateCommand())
        {
            update.Transaction = transaction;
            update.CommandText = """
                UPDATE deliveries SET state = $state, attempts = attempts + 1, lease_until = NULL,
                    next_attempt_at = COALESCE($next, next_attempt_at), action = COALESCE($action, action),
                    ticket_created = MAX(ticket_created, $created), last_status = $status, last_error = $error,
                    completed_at = CASE WHEN $state IN ('Delivered', 'Skipped', 'DeadLettered') THEN $at ELSE NULL END
                WHERE id = $id;
                """;
            update.Parameters.AddWithValue("$id", id);
            update.Parameters.AddWithValue("$state", state);
            update.Parameters.AddWithValue("$next", attempt.NextAttemptAt is { } next ? SqliteDatabase.FormatTime(next) : DBNull.Value);
            update.Parameters.AddWithValue("$action", (object?)action ?? DBNull.Value);
            update.Parameters.AddWithValue("$created", ticketCreated ? 1 : 0);
            update.Parameters.AddWithValue("$status", (object?)attempt.StatusCode ?? DBNull.Value);
            update.Parameters.AddWithValue("$error", (object?)attempt.Error ?? DBNull.Value);
            update.Parameters.AddWithValue("$at", SqliteDatabase.FormatTime(attempt.AttemptedAt));
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public Task ReleaseAsync(long id, CancellationToken cancellationToken) =>
        ExecuteAsync("UPDATE deliveries SET lease_until = NULL WHERE id = $id;", cancellationToken, ("$id", id));

    public Task ReleaseAllLeasesAsync(CancellationToken cancellationToken) =>
        ExecuteAsync("UPDATE deliveries SET lease_until = NULL WHERE lease_until IS NOT NULL;", cancellationToken);

    public async Task<bool> ReplayAsync(long id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            UPDATE deliveries SET state = 'Queued', attempts = 0, queued_at = $now, next_attempt_at = $now, lease_until = NULL,
                completed_at = NULL
            WHERE id = $id AND state = 'DeadLettered';
            """;
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$now", SqliteDatabase.FormatTime(now));
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    public async Task<DeliveryRecord?> FindAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM deliveries WHERE id = $id;";
        command.Parameters.AddWithValue("$id", id);
        return (await ReadAllAsync(command, cancellationToken)).FirstOrDefault();
    }

    public async Task<IReadOnlyList<DeliveryAttempt>> GetAttemptsAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT attempted_at, outcome, status_code, error, next_attempt_at FROM delivery_attempts WHERE delivery_id = $id ORDER BY id;
            """;
        command.Parameters.AddWithValue("$id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var attempts = new List<DeliveryAttempt>();
        while (await reader.ReadAsync(cancellationToken))
        {
            attempts.Add(new DeliveryAttempt(
                SqliteDatabase.ParseTime(reader.GetString(0)),
                reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetInt32(2),
                reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.IsDBNull(4) ? null : SqliteDatabase.ParseTime(reader.GetString(4))));
        }

        return attempts;
    }

    public async Task<IReadOnlyList<DeliveryRecord>> ListAsync(string? state, string? subscription, string? situationId, int skip, int take,
        CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT {Columns} FROM deliveries
            WHERE ($state IS NULL OR state = $state) AND ($subscription IS NULL OR subscription = $subscription)
              AND ($situation IS NULL OR situation_id = $situation)
            ORDER BY id LIMIT $take OFFSET $skip;
            """;
        command.Parameters.AddWithValue("$state", (object?)state ?? DBNull.Value);
        command.Parameters.AddWithValue("$subscription", (object?)subscription ?? DBNull.Value);
        command.Parameters.AddWithValue("$situation", (object?)situationId ?? DBNull.Value);
        command.Parameters.AddWithValue("$take", take);
        command.Parameters.AddWithValue("$skip", skip);
        return await ReadAllAsync(command, cancellationToken);
    }

    public async Task<long> CountPendingAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM deliveries WHERE state IN ('Queued', 'Retrying');";
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private async Task ExecuteAsync(string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<List<DeliveryRecord>> ReadAllAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var records = new List<DeliveryRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            records.Add(new DeliveryRecord
            {
                Id = reader.GetInt64(0),
                Subscription = reader.GetString(1),
                SituationId = reader.GetString(2),
                EventType = reader.GetString(3),
                Message = reader.GetString(4),
                State = reader.GetString(5),
                Attempts = reader.GetInt32(6),
                AcceptedAt = SqliteDatabase.ParseTime(reader.GetString(7)),
                QueuedAt = SqliteDatabase.ParseTime(reader.GetString(8)),
                NextAttemptAt = SqliteDatabase.ParseTime(reader.GetString(9)),
                Action = reader.IsDBNull(10) ? null : reader.GetString(10),
                TicketCreated = reader.GetInt64(11) != 0,
                LastStatus = reader.IsDBNull(12) ? null : reader.GetInt32(12),
                LastError = reader.IsDBNull(13) ? null : reader.GetString(13),
                CompletedAt = reader.IsDBNull(14) ? null : SqliteDatabase.ParseTime(reader.GetString(14)),
            });
        }

        return records;
    }
}
