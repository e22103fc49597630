using System.Data.Common;
using CloudAlmBridge.Vocabulary;

namespace CloudAlmBridge.Storage;

/// <summary>The outbox's SQL, one text for every provider; the claim statement comes from the provider.</summary>
internal sealed class DeliveryStore : IDeliveryStore, IAsyncDisposable
{
    /// <summary>Accept batches committed side by side, on PostgreSQL: a lone call never waits for another's flush.</summary>
    private const int AcceptWriters = 4;

    /// <summary>At most this many accepts share one statement and flush.</summary>
    private const int MaxAcceptBatch = 64;

    private readonly BridgeDatabase _database;
    private readonly BridgeInstance _instance;
    private readonly GroupCommit<Accept, (DeliveryRecord Delivery, bool IsDuplicate, TicketLink? Link)>? _accepts;

    public DeliveryStore(BridgeDatabase database, BridgeInstance instance)
    {
        (_database, _instance) = (database, instance);
        _claim = database.Provider.ClaimStatement(Claimable(database.Provider.DueIndexHint), Columns);

        // Where the database takes many writers, accepts are group-committed here; SQLite's one writer
        // (WriteQueue) already commits every write of the process in batches.
        _accepts = database.Provider.TakesOneWriterAtATime
            ? null
            : new GroupCommit<Accept, (DeliveryRecord, bool, TicketLink?)>(database, AcceptWriters, MaxAcceptBatch, AcceptBatchAsync,
                (accept, cancellationToken) => AcceptAloneAsync(accept.Delivery, accept.WithLink, cancellationToken));
    }

    private sealed record Accept(NewDelivery Delivery, bool WithLink);

    public async ValueTask DisposeAsync()
    {
        if (_accepts is not null)
        {
            await _accepts.DisposeAsync();
        }
    }
    private const string Columns = """
        id, subscription, situation_id, event_type, message, state, attempts, accepted_at, queued_at, next_attempt_at,
        action, ticket_created, last_status, last_error, completed_at, owner, lease_id, trace_parent, claims,
        held_by, held_until
        """;

    private static readonly string Pending = DeliveryStateExtensions.PendingSql;
    private static readonly string Finished = $"({(int)DeliveryState.Delivered}, {(int)DeliveryState.Skipped})";

    /// <summary>
    /// Due, unleased, the oldest pending delivery of its situation, no other delivery of its situation claimed (a
    /// replayed older one must not run beside a newer one in flight), and its situation not held (its events wait,
    /// in order, until an operator settles it: the held situations' partial index answers that). Read in due order
    /// along the partial index of pending deliveries, so a claim touches the due rows it takes, not the whole backlog,
    /// and finds nothing at once when nothing is due (a stalled ticket system costs no scans).
    /// </summary>
    private static string Claimable(string dueIndexHint) => $"""
        SELECT d.id FROM deliveries d{dueIndexHint}
        WHERE d.state IN {Pending} AND d.next_attempt_at <= @now
          AND (d.lease_until IS NULL OR d.lease_until < @now)
          AND NOT EXISTS (
              SELECT 1 FROM ticket_links h
              WHERE h.subscription = d.subscription AND h.situation_id = d.situation_id AND h.held_at IS NOT NULL)
          AND NOT EXISTS (
              SELECT 1 FROM deliveries e
              WHERE e.subscription = d.subscription AND e.situation_id = d.situation_id AND e.state IN {Pending}
                AND e.id <> d.id AND (e.id < d.id OR e.lease_until >= @now))
        ORDER BY d.next_attempt_at, d.id
        LIMIT @limit
        """;

    private const string AcceptInsert = """
        INSERT INTO deliveries (subscription, situation_id, event_type, dedupe_key, body_hash, message, state, accepted_at, queued_at, next_attempt_at, trace_parent, claims)
        VALUES (@subscription, @situation, @eventType, @dedupe, @hash, @message, @queued, @now, @now, @now, @traceParent, 0)
        ON CONFLICT DO NOTHING
        RETURNING id;
        """;

    private readonly string _claim;


    private StorageProvider Provider => _database.Provider;

    /// <summary>
    /// Committed before it returns. With SQLite the insert is group-committed with whatever else waits to be written
    /// (<see cref="WriteQueue"/>), so a flood of events shares commits instead of queuing for the file lock one by one.
    /// </summary>
    public async Task<(DeliveryRecord Delivery, bool IsDuplicate)> AcceptAsync(NewDelivery delivery, CancellationToken cancellationToken)
    {
        var (accepted, duplicate, _) = await AcceptAsync(delivery, withLink: false, cancellationToken);
        return (accepted, duplicate);
    }

    public Task<(DeliveryRecord Delivery, bool IsDuplicate, TicketLink? Link)> AcceptWithLinkAsync(NewDelivery delivery,
        CancellationToken cancellationToken) =>
        AcceptAsync(delivery, withLink: true, cancellationToken);

    private Task<(DeliveryRecord Delivery, bool IsDuplicate, TicketLink? Link)> AcceptAsync(NewDelivery delivery, bool withLink,
        CancellationToken cancellationToken) =>
        _accepts is not null
            ? _accepts.EnqueueAsync(new Accept(delivery, withLink), cancellationToken)
            : AcceptAloneAsync(delivery, withLink, cancellationToken);

    /// <summary>
    /// A batch of accepts in one transaction (PostgreSQL, <see cref="GroupCommit{TItem, TResult}"/>): one statement
    /// inserts what is new, in the batch's order; a duplicate, also of an earlier event in the same batch, inserted
    /// nothing and is read back in the same transaction; links are read for the calls that answer without waiting.
    /// </summary>
    private async Task<IReadOnlyList<(DeliveryRecord Delivery, bool IsDuplicate, TicketLink? Link)>> AcceptBatchAsync(DbConnection connection,
        DbTransaction transaction, IReadOnlyList<Accept> accepts, CancellationToken cancellationToken)
    {
        var ids = new Dictionary<(string, string, string, string), long>();
        await using (var insert = Provider.CreateAcceptBatch(connection, transaction, [.. accepts.Select(a => a.Delivery)], (int)DeliveryState.Queued)!)
        await using (var reader = await insert.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                ids[(reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4))] = reader.GetInt64(0);
            }
        }

        // The links of the calls that answer without waiting: one read for the batch.
        var links = await TicketStore.FindLinksAsync(Provider, connection, transaction,
            [.. accepts.Where(a => a.WithLink).Select(a => (a.Delivery.Subscription, a.Delivery.SituationId)).Distinct()], cancellationToken);
        var results = new List<(DeliveryRecord, bool, TicketLink?)>(accepts.Count);
        foreach (var (delivery, withLink) in accepts)
        {
            // The first of the batch with its key took the row (ids in the batch's order); any later one is a duplicate.
            var (accepted, duplicate) = ids.Remove((delivery.Subscription, delivery.SituationId, delivery.EventType, delivery.DedupeKey), out var id)
                ? (Inserted(delivery, id), false)
                : (await ReadExistingAsync(connection, transaction, delivery, cancellationToken), true);
            var link = withLink ? links.GetValueOrDefault((delivery.Subscription, delivery.SituationId)) : null;
            results.Add((accepted, duplicate, link));
        }

        return results;
    }

    private Task<(DeliveryRecord Delivery, bool IsDuplicate, TicketLink? Link)> AcceptAloneAsync(NewDelivery delivery, bool withLink,
        CancellationToken cancellationToken) =>
        _database.WriteAsync(async (connection, transaction) =>
        {
            // The caller's token reaches the statements: a store that waits on a lock past Bridge:Inbound:StoreTimeout is
            // cancelled on the server and rolled back (on SQLite, in its batch, undone alone), not left running.
            var (accepted, duplicate) = await InsertAsync(connection, transaction, delivery, cancellationToken);
            var link = withLink
                ? await TicketStore.FindLinkAsync(Provider, connection, transaction, delivery.Subscription, delivery.SituationId, cancellationToken)
                : null;
            return (accepted, duplicate, link);
        }, cancellationToken);

    private async Task<(DeliveryRecord Delivery, bool IsDuplicate)> InsertAsync(DbConnection connection, DbTransaction transaction, NewDelivery delivery,
        CancellationToken cancellationToken)
    {
        // Dedupe by constraint, never check-then-insert: a duplicate on ux_deliveries_event (also one written earlier in
        // the same batch) inserts nothing, and the original is read back in the same transaction. An identical body
        // has the same key, so it is refused by the same index.
        await using var insert = connection.CreateCommand(AcceptInsert, transaction)
            .Text("@subscription", delivery.Subscription).Text("@situation", delivery.SituationId).Text("@eventType", delivery.EventType)
            .Text("@dedupe", delivery.DedupeKey).Text("@hash", delivery.BodyHash).Text("@message", delivery.Message)
            .Int32("@queued", (int)DeliveryState.Queued).Time(Provider, "@now", delivery.AcceptedAt).Text("@traceParent", delivery.TraceParent);

        // Only the id comes back: the rest is what was just written (the message is not read back a second time).
        if (await insert.ExecuteScalarAsync(cancellationToken) is { } id and not DBNull)
        {
            return (Inserted(delivery, Convert.ToInt64(id, System.Globalization.CultureInfo.InvariantCulture)), false);
        }

        return (await ReadExistingAsync(connection, transaction, delivery, cancellationToken), true);
    }

    /// <summary>The row just inserted, from what was written: the message is not read back.</summary>
    private static DeliveryRecord Inserted(NewDelivery delivery, long id) => new()
    {
        Id = id,
        Subscription = delivery.Subscription,
        SituationId = delivery.SituationId,
        EventType = delivery.EventType,
        Message = delivery.Message,
        State = DeliveryState.Queued,
        Attempts = 0,
        AcceptedAt = delivery.AcceptedAt,
        QueuedAt = delivery.AcceptedAt,
        NextAttemptAt = delivery.AcceptedAt,
        TraceParent = delivery.TraceParent,
        Claims = 0,
    };

    /// <summary>The delivery a duplicate repeats, read in the transaction that found it.</summary>
    private async Task<DeliveryRecord> ReadExistingAsync(DbConnection connection, DbTransaction transaction, NewDelivery delivery,
        CancellationToken cancellationToken)
    {
        await using var existing = connection.CreateCommand($"""
                    SELECT {Columns} FROM deliveries
                    WHERE subscription = @subscription
                      AND situation_id = @situation AND event_type = @eventType AND dedupe_key = @dedupe;
                    """, transaction)
            .Text("@subscription", delivery.Subscription).Text("@situation", delivery.SituationId).Text("@eventType", delivery.EventType)
            .Text("@dedupe", delivery.DedupeKey);
        return (await ReadAllAsync(existing, CancellationToken.None))[0];
    }

    public Task<IReadOnlyList<DeliveryRecord>> ClaimDueAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int limit,
        CancellationToken cancellationToken) =>
        _database.WriteAsync<IReadOnlyList<DeliveryRecord>>(async (connection, transaction) =>
        {
            await using var command = connection.CreateCommand(_claim, transaction)
                .Time(Provider, "@now", now).Int32("@limit", limit)
                .Text("@owner", _instance.Id).Text("@lease", Guid.NewGuid().ToString("N")).Time(Provider, "@until", leaseUntil);
            var claimed = await ReadAllAsync(command, CancellationToken.None);
            return claimed.OrderBy(d => d.Id).ToList();
        }, cancellationToken);

    public Task<bool> RenewAsync(DeliveryClaim claim, DateTimeOffset leaseUntil, CancellationToken cancellationToken) =>
        _database.WriteAsync(async (connection, transaction) =>
        {
            await using var command = Fenced(connection.CreateCommand(
                "UPDATE deliveries SET lease_until = @until WHERE id = @id AND owner = @owner AND lease_id = @lease;", transaction), claim)
                .Time(Provider, "@until", leaseUntil);
            return await command.ExecuteNonQueryAsync(CancellationToken.None) == 1;
        }, cancellationToken);

    public Task<bool> CompleteAttemptAsync(DeliveryClaim claim, DeliveryAttempt attempt, DeliveryState state, string? action,
        bool ticketCreated, CancellationToken cancellationToken) =>
        _database.WriteAsync(async (connection, transaction) =>
        {
            // The owner stays on the row (who made the last attempt); the lease ends. Fenced: a lost claim writes nothing.
            await using (var update = Fenced(connection.CreateCommand("""
                    UPDATE deliveries SET state = @state, attempts = attempts + 1, lease_id = NULL, lease_until = NULL,
                        next_attempt_at = COALESCE(@next, next_attempt_at), action = COALESCE(@action, action),
                        ticket_created = (ticket_created OR @created), last_status = @status, last_error = @error,
                        completed_at = CASE WHEN @final THEN @at ELSE NULL END
                    WHERE id = @id AND owner = @owner AND lease_id = @lease;
                    """, transaction), claim)
                .Int32("@state", (int)state).Time(Provider, "@next", attempt.NextAttemptAt).Text("@action", action)
                .Boolean("@created", ticketCreated).Int32("@status", attempt.StatusCode).Text("@error", attempt.Error)
                .Boolean("@final", state.IsFinal()).Time(Provider, "@at", attempt.AttemptedAt))
            {
                if (await update.ExecuteNonQueryAsync(CancellationToken.None) != 1)
                {
                    return false;
                }
            }

            await using var insert = connection.CreateCommand("""
                    INSERT INTO delivery_attempts (delivery_id, attempted_at, outcome, status_code, error, next_attempt_at)
                    VALUES (@id, @at, @outcome, @status, @error, @next);
                    """, transaction)
                .Int64("@id", claim.DeliveryId).Time(Provider, "@at", attempt.AttemptedAt).Text("@outcome", attempt.Outcome.ToString())
                .Int32("@status", attempt.StatusCode).Text("@error", attempt.Error).Time(Provider, "@next", attempt.NextAttemptAt);
            await insert.ExecuteNonQueryAsync(CancellationToken.None);
            return true;
        }, cancellationToken);

    public Task<int?> HoldAsync(DeliveryClaim claim, string subscription, string situationId, string window, DateTimeOffset until,
        CancellationToken cancellationToken) =>
        _database.WriteAsync<int?>(async (connection, transaction) =>
        {
            // The claimed head waits for the window's end; its situation's later events wait behind it (only a
            // situation's oldest pending delivery is ever claimable). No attempt is counted: nothing was tried.
            await using (var head = Fenced(connection.CreateCommand("""
                    UPDATE deliveries SET next_attempt_at = @until, lease_id = NULL, lease_until = NULL
                    WHERE id = @id AND owner = @owner AND lease_id = @lease;
                    """, transaction), claim).Time(Provider, "@until", until))
            {
                if (await head.ExecuteNonQueryAsync(CancellationToken.None) != 1)
                {
                    return null;
                }
            }

            return await MarkHeldAsync(connection, transaction, subscription, situationId, window, until);
        }, cancellationToken);

    public Task<(int NewlyHeld, int Settled)?> SettleHeldAsync(DeliveryClaim claim, string subscription, string situationId, string window, bool drop,
        string note, DateTimeOffset now, CancellationToken cancellationToken) =>
        _database.WriteAsync<(int NewlyHeld, int Settled)?>(async (connection, transaction) =>
        {
            // Fenced on the claimed head: another instance that took the situation over settles it itself.
            await using (var fence = Fenced(connection.CreateCommand(
                "UPDATE deliveries SET lease_until = lease_until WHERE id = @id AND owner = @owner AND lease_id = @lease;", transaction), claim))
            {
                if (await fence.ExecuteNonQueryAsync(CancellationToken.None) != 1)
                {
                    return null;
                }
            }

            // Every pending event of the situation is the window's: they all waited behind the head.
            var marked = await MarkHeldAsync(connection, transaction, subscription, situationId, window, null);
            if (!drop)
            {
                // MaxRetryAge counts from the window's end: the wait was the window's, not the ticket system's.
                await using var release = connection.CreateCommand($"""
                        UPDATE deliveries SET held_until = NULL, queued_at = @now
                        WHERE subscription = @subscription AND situation_id = @situation AND state IN {Pending};
                        """, transaction)
                    .Time(Provider, "@now", now).Text("@subscription", subscription).Text("@situation", situationId);
                return (marked, await release.ExecuteNonQueryAsync(CancellationToken.None));
            }

            await using (var attempts = connection.CreateCommand($"""
                    INSERT INTO delivery_attempts (delivery_id, attempted_at, outcome, status_code, error, next_attempt_at)
                    SELECT id, @now, @outcome, NULL, @note, NULL FROM deliveries
                    WHERE subscription = @subscription AND situation_id = @situation AND state IN {Pending};
                    """, transaction)
                .Time(Provider, "@now", now).Text("@outcome", nameof(AttemptOutcome.Skipped)).Text("@note", note)
                .Text("@subscription", subscription).Text("@situation", situationId))
            {
                await attempts.ExecuteNonQueryAsync(CancellationToken.None);
            }

            await using var skip = connection.CreateCommand($"""
                    UPDATE deliveries SET state = @skipped, held_until = NULL, lease_id = NULL, lease_until = NULL, action = @action,
                        last_status = NULL, last_error = @note, completed_at = @now, attempts = attempts + 1
                    WHERE subscription = @subscription AND situation_id = @situation AND state IN {Pending};
                    """, transaction)
                .Int32("@skipped", (int)DeliveryState.Skipped).Text("@action", "None").Text("@note", note).Time(Provider, "@now", now)
                .Text("@subscription", subscription).Text("@situation", situationId);
            return (marked, await skip.ExecuteNonQueryAsync(CancellationToken.None));
        }, cancellationToken);

    /// <summary>
    /// Marks the situation's pending deliveries as held by <paramref name="window"/> until <paramref name="until"/>
    /// (null: its end is being applied). Returns how many were not held by it before: the events this window newly held.
    /// </summary>
    private async Task<int> MarkHeldAsync(DbConnection connection, DbTransaction transaction, string subscription, string situationId, string window,
        DateTimeOffset? until)
    {
        await using var count = connection.CreateCommand($"""
                SELECT COUNT(*) FROM deliveries
                WHERE subscription = @subscription AND situation_id = @situation AND state IN {Pending}
                  AND (held_by IS NULL OR held_by <> @window OR held_until IS NULL);
                """, transaction)
            .Text("@subscription", subscription).Text("@situation", situationId).Text("@window", window);
        var newly = Convert.ToInt32(await count.ExecuteScalarAsync(CancellationToken.None), System.Globalization.CultureInfo.InvariantCulture);
        await using var mark = connection.CreateCommand($"""
                UPDATE deliveries SET held_by = @window, held_until = COALESCE(@until, held_until)
                WHERE subscription = @subscription AND situation_id = @situation AND state IN {Pending};
                """, transaction)
            .Text("@subscription", subscription).Text("@situation", situationId).Text("@window", window).Time(Provider, "@until", until);
        await mark.ExecuteNonQueryAsync(CancellationToken.None);
        return newly;
    }

    public Task<bool> ReleaseAsync(DeliveryClaim claim, CancellationToken cancellationToken) =>
        _database.WriteAsync(async (connection, transaction) =>
        {
            await using var command = Fenced(connection.CreateCommand(
                "UPDATE deliveries SET lease_id = NULL, lease_until = NULL WHERE id = @id AND owner = @owner AND lease_id = @lease;", transaction), claim);
            return await command.ExecuteNonQueryAsync(CancellationToken.None) == 1;
        }, cancellationToken);

    public Task<int> ReleaseExpiredLeasesAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        _database.WriteAsync(async (connection, transaction) =>
        {
            await using var command = connection.CreateCommand(
                    "UPDATE deliveries SET lease_id = NULL, lease_until = NULL WHERE lease_until IS NOT NULL AND lease_until < @now;", transaction)
                .Time(Provider, "@now", now);
            return await command.ExecuteNonQueryAsync(CancellationToken.None);
        }, cancellationToken);

    public Task<bool> ReplayAsync(long id, DateTimeOffset now, CancellationToken cancellationToken) =>
        _database.WriteAsync(async (connection, transaction) =>
        {
            await using var command = connection.CreateCommand("""
                    UPDATE deliveries SET state = @queued, attempts = 0, queued_at = @now, next_attempt_at = @now, lease_id = NULL,
                        lease_until = NULL, completed_at = NULL
                    WHERE id = @id AND state = @deadLettered;
                    """, transaction)
                .Int64("@id", id).Time(Provider, "@now", now)
                .Int32("@queued", (int)DeliveryState.Queued).Int32("@deadLettered", (int)DeliveryState.DeadLettered);
            return await command.ExecuteNonQueryAsync(CancellationToken.None) > 0;
        }, cancellationToken);

    public async Task<bool> AnyOtherClaimedAsync(string subscription, string situationId, long deliveryId, CancellationToken cancellationToken)
    {
        // A situation has few deliveries, found through ux_deliveries_event (it begins with subscription, situation).
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand("""
                SELECT id FROM deliveries
                WHERE subscription = @subscription AND situation_id = @situation AND id <> @id AND claims > 0
                LIMIT 1;
                """)
            .Text("@subscription", subscription).Text("@situation", situationId).Int64("@id", deliveryId);
        return await command.ExecuteScalarAsync(cancellationToken) is not (null or DBNull);
    }

    public async Task<DeliveryRecord?> FindAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return await FindAsync(connection, id, cancellationToken);
    }

    public async Task<(DeliveryRecord? Delivery, TicketLink? Link)> FindWithLinkAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return await FindAsync(connection, id, cancellationToken) is { } delivery
            ? (delivery, await TicketStore.FindLinkAsync(Provider, connection, null, delivery.Subscription, delivery.SituationId, cancellationToken))
            : (null, null);
    }

    private async Task<DeliveryRecord?> FindAsync(DbConnection connection, long id, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand($"SELECT {Columns} FROM deliveries WHERE id = @id;").Int64("@id", id);
        return (await ReadAllAsync(command, cancellationToken)).FirstOrDefault();
    }

    public async Task<DeliveryState?> GetStateAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand("SELECT state FROM deliveries WHERE id = @id;").Int64("@id", id);
        return await command.ExecuteScalarAsync(cancellationToken) is { } value and not DBNull
            ? (DeliveryState)Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture)
            : null;
    }

    public async Task<IReadOnlyList<DeliveryAttempt>> GetAttemptsAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand("""
                SELECT attempted_at, outcome, status_code, error, next_attempt_at FROM delivery_attempts WHERE delivery_id = @id ORDER BY id;
                """)
            .Int64("@id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var attempts = new List<DeliveryAttempt>();
        while (await reader.ReadAsync(cancellationToken))
        {
            attempts.Add(new DeliveryAttempt(
                Provider.ReadTime(reader, 0),
                Enum.Parse<AttemptOutcome>(reader.GetString(1)),
                reader.GetNullableInt32(2),
                reader.GetNullableString(3),
                Provider.ReadNullableTime(reader, 4)));
        }

        return attempts;
    }

    public async Task<IReadOnlyList<DeliveryRecord>> ListAsync(DeliveryState? state, string? subscription, string? situationId, long skip,
        int take, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = Filtered(connection, $"SELECT {Columns} FROM deliveries", " ORDER BY id LIMIT @take OFFSET @skip;",
                state, subscription, situationId)
            .Int32("@take", take).Int64("@skip", skip);
        return await ReadAllAsync(command, cancellationToken);
    }

    public async Task<long> CountPendingAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand($"SELECT COUNT(*) FROM deliveries WHERE state IN {Pending};");
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task<long> CountAsync(DeliveryState? state, string? subscription, string? situationId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = Filtered(connection, "SELECT COUNT(*) FROM deliveries", ";", state, subscription, situationId);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// <paramref name="select"/>, the conditions asked for with their parameters, then <paramref name="rest"/>. Only
    /// those conditions, never "@x IS NULL OR": a plain condition lets either database use its index
    /// (ix_deliveries_state for a state, ux_deliveries_event for a situation) instead of reading every delivery.
    /// </summary>
    private static DbCommand Filtered(DbConnection connection, string select, string rest, DeliveryState? state, string? subscription,
        string? situationId)
    {
        var command = connection.CreateCommand();
        List<string> conditions = [];
        if (state is not null)
        {
            conditions.Add("state = @state");
            command.Int32("@state", (int)state);
        }

        if (subscription is not null)
        {
            conditions.Add("subscription = @subscription");
            command.Text("@subscription", subscription);
        }

        if (situationId is not null)
        {
            conditions.Add("situation_id = @situation");
            command.Text("@situation", situationId);
        }

        command.CommandText = select + (conditions.Count == 0 ? "" : " WHERE " + string.Join(" AND ", conditions)) + rest;
        return command;
    }

    public async Task<IReadOnlyDictionary<DeliveryState, long>> CountByStateAsync(DateTimeOffset? since, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        // Two texts rather than "@since IS NULL OR": each is a plain, index-friendly statement on both databases.
        await using var command = since is null
            ? connection.CreateCommand("SELECT state, COUNT(*) FROM deliveries GROUP BY state;")
            : connection.CreateCommand($"SELECT state, COUNT(*) FROM {Provider.DeliveriesThrough("ix_deliveries_accepted")} WHERE accepted_at >= @since GROUP BY state;")
                .Time(Provider, "@since", since);
        var counts = new Dictionary<DeliveryState, long>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var state = (DeliveryState)Convert.ToInt32(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture);
            counts[state] = Convert.ToInt64(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture);
        }

        return counts;
    }

    public Task<int> RemoveFinishedAsync(DateTimeOffset cutoff, int batchSize, CancellationToken cancellationToken) =>
        _database.WriteAsync(async (connection, transaction) =>
        {
            // The same oldest batch twice in one transaction: its attempts first (they refer to it), then the deliveries.
            var batch = $"SELECT id FROM deliveries WHERE state IN {Finished} AND completed_at < @cutoff ORDER BY completed_at LIMIT @limit";
            await using (var attempts = connection.CreateCommand($"DELETE FROM delivery_attempts WHERE delivery_id IN ({batch});", transaction)
                .Time(Provider, "@cutoff", cutoff).Int32("@limit", batchSize))
            {
                await attempts.ExecuteNonQueryAsync(CancellationToken.None);
            }

            await using var deliveries = connection.CreateCommand($"DELETE FROM deliveries WHERE id IN ({batch});", transaction)
                .Time(Provider, "@cutoff", cutoff).Int32("@limit", batchSize);
            return await deliveries.ExecuteNonQueryAsync(CancellationToken.None);
        }, cancellationToken);

    private static DbCommand Fenced(DbCommand command, DeliveryClaim claim) =>
        command.Int64("@id", claim.DeliveryId).Text("@owner", claim.Owner).Text("@lease", claim.LeaseId);

    private async Task<List<DeliveryRecord>> ReadAllAsync(DbCommand command, CancellationToken cancellationToken)
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
                State = (DeliveryState)reader.GetInt32(5),
                Attempts = reader.GetInt32(6),
                AcceptedAt = Provider.ReadTime(reader, 7),
                QueuedAt = Provider.ReadTime(reader, 8),
                NextAttemptAt = Provider.ReadTime(reader, 9),
                Action = reader.GetNullableString(10),
                TicketCreated = reader.GetBoolean(11),
                LastStatus = reader.GetNullableInt32(12),
                LastError = reader.GetNullableString(13),
                CompletedAt = Provider.ReadNullableTime(reader, 14),
                Owner = reader.GetNullableString(15),
                LeaseId = reader.GetNullableString(16),
                TraceParent = reader.GetNullableString(17),
                Claims = reader.GetInt32(18),
                HeldBy = reader.GetNullableString(19),
                HeldUntil = Provider.ReadNullableTime(reader, 20),
            });
        }

        return records;
    }
}
