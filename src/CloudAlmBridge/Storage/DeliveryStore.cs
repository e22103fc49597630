using System.Data.Common;
using System.Globalization;
using System.Text;
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
        _claim = database.Provider.ClaimStatement(Claimable(database.Provider.DueIndexHint), ClaimedColumns);

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
    /// <summary>
    /// A delivery's columns, in <see cref="ReadAllAsync"/>'s order, read from its state row (<c>d</c>) and its message
    /// in the inbox (<c>i</c>).
    /// </summary>
    private const string StagedColumns = """
        d.id, d.subscription, d.situation_id, d.event_type, i.message, d.state, d.attempts, d.accepted_at, d.queued_at, d.next_attempt_at,
        d.action, d.ticket_created, d.last_status, d.last_error, d.completed_at, d.owner, d.lease_id, i.trace_parent, d.claims,
        d.held_by, d.held_until
        """;

    /// <summary>The state columns a claim returns; the message and trace context are read from the inbox after it.</summary>
    private const string ClaimedColumns = """
        id, subscription, situation_id, event_type, NULL, state, attempts, accepted_at, queued_at, next_attempt_at,
        action, ticket_created, last_status, last_error, completed_at, owner, lease_id, NULL, claims,
        held_by, held_until
        """;

    /// <summary>Where the inbox's rows without a state row begin: those are Queued and were never claimed.</summary>
    private const string Unstaged = "i.id > (SELECT staged_through FROM inbox_cursor WHERE id = 1)";

    /// <summary>At most this many inbox rows get their state rows in one claim's transaction.</summary>
    private const int StageBatch = 1024;

    /// <summary>
    /// An inbox row without a state row, read as the delivery it is: Queued since it was accepted, never claimed. Its
    /// nulls are typed, so that a part of a union that has only these rows matches the state rows' columns.
    /// </summary>
    private string UnstagedColumns => $"""
        i.id, i.subscription, i.situation_id, i.event_type, i.message, {(int)DeliveryState.Queued}, 0, {Accepted}, {Accepted}, {Accepted},
        CAST(NULL AS TEXT), (1 = 0), CAST(NULL AS INTEGER), CAST(NULL AS TEXT), NULLIF({Accepted}, {Accepted}), CAST(NULL AS TEXT),
        CAST(NULL AS TEXT), i.trace_parent, 0, CAST(NULL AS TEXT), NULLIF({Accepted}, {Accepted})
        """;

    private string Accepted => Provider.TimeFromMilliseconds("i.accepted_at");

    private static readonly string Pending = DeliveryStateExtensions.PendingSql;
    private static readonly string Finished = $"({(int)DeliveryState.Delivered}, {(int)DeliveryState.Skipped})";

    /// <summary>
    /// Due, unleased, the oldest pending delivery of its situation, no other delivery of its situation claimed (a
    /// replayed older one must not run beside a newer one in flight), and its situation not held (its events wait,
    /// in order, until an operator settles it: the held situations' partial index answers that). Read in due order
    /// along the partial index of pending deliveries, so a claim touches the due rows it takes, not the whole backlog,
    /// and finds nothing at once when nothing is due (a stalled ticket system costs no scans). The claim's transaction
    /// stages the inbox first (<see cref="StageAsync"/>), and the inbox is staged in id order, so every earlier event of
    /// a candidate's situation has its state row.
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

    private const string AppendOne = """
        INSERT INTO inbox (subscription, situation_id, event_type, dedupe, message, accepted_at, trace_parent)
        VALUES (@subscription, @situation, @eventType, @dedupe, @message, @accepted, @traceParent)
        RETURNING id;
        """;

    /// <summary>Where the database checks the key itself (ux_inbox_dedupe): a repeat appends nothing and returns no id.</summary>
    private const string AppendUnlessKnown = """
        INSERT INTO inbox (subscription, situation_id, event_type, dedupe, message, accepted_at, trace_parent)
        VALUES (@subscription, @situation, @eventType, @dedupe, @message, @accepted, @traceParent)
        ON CONFLICT (dedupe) DO NOTHING
        RETURNING id;
        """;

    private readonly string _claim;

    private StorageProvider Provider => _database.Provider;

    /// <summary>
    /// Committed before it returns. With SQLite the append is group-committed with whatever else waits to be written
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
        CancellationToken cancellationToken)
    {
        // The inbox keeps whole milliseconds: the answer says what a read says later.
        delivery = delivery with { AcceptedAt = DateTimeOffset.FromUnixTimeMilliseconds(delivery.AcceptedAt.ToUnixTimeMilliseconds()) };
        return _accepts is not null
            ? _accepts.EnqueueAsync(new Accept(delivery, withLink), cancellationToken)
            : _database.TakesOneWriter
                ? AcceptOnTheOneWriterAsync(delivery, withLink, cancellationToken)
                : AcceptAloneAsync(delivery, withLink, cancellationToken);
    }

    /// <summary>
    /// A batch of accepts in one transaction (PostgreSQL, <see cref="GroupCommit{TItem, TResult}"/>): one statement
    /// appends what is new, in the batch's order, after the append-order lock; a duplicate, also of an earlier event in
    /// the same batch, appended nothing (ux_inbox_dedupe) and is read back in the same transaction; links are read for
    /// the calls that answer without waiting.
    /// </summary>
    private async Task<IReadOnlyList<(DeliveryRecord Delivery, bool IsDuplicate, TicketLink? Link)>> AcceptBatchAsync(DbConnection connection,
        DbTransaction transaction, IReadOnlyList<Accept> accepts, CancellationToken cancellationToken)
    {
        // The links of the calls that answer without waiting: one read for the batch, before the append-order lock,
        // which is held from here to the commit and makes every other instance's accepts wait.
        var links = await TicketStore.FindLinksAsync(Provider, connection, transaction,
            [.. accepts.Where(a => a.WithLink).Select(a => (a.Delivery.Subscription, a.Delivery.SituationId)).Distinct()], cancellationToken);
        var keys = accepts.Select(a => InboxKeys.Of(a.Delivery)).ToList();
        var messages = accepts.Select(a => Encoding.UTF8.GetBytes(a.Delivery.Message)).ToList();
        await LockAppendOrderAsync(connection, transaction, cancellationToken);
        var ids = new Dictionary<UInt128, long>();
        await using (var insert = Provider.CreateAcceptBatch(connection, transaction, [.. accepts.Select(a => a.Delivery)], keys, messages)!)
        await using (var reader = await insert.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                ids[InboxKeys.ToNumber(reader.GetFieldValue<byte[]>(1))] = reader.GetInt64(0);
            }
        }

        var results = new List<(DeliveryRecord, bool, TicketLink?)>(accepts.Count);
        for (var i = 0; i < accepts.Count; i++)
        {
            var (delivery, withLink) = accepts[i];

            // The first of the batch with its key took the row (ids in the batch's order); any later one is a duplicate.
            var (accepted, duplicate) = ids.Remove(InboxKeys.ToNumber(keys[i]), out var id)
                ? (Inserted(delivery, id), false)
                : (await ReadExistingAsync(connection, transaction, keys[i], cancellationToken), true);
            var link = withLink ? links.GetValueOrDefault((delivery.Subscription, delivery.SituationId)) : null;
            results.Add((accepted, duplicate, link));
        }

        return results;
    }

    /// <summary>One accept in a transaction of its own, where accepts are batched (a batch that failed is retried so).</summary>
    private Task<(DeliveryRecord Delivery, bool IsDuplicate, TicketLink? Link)> AcceptAloneAsync(NewDelivery delivery, bool withLink,
        CancellationToken cancellationToken) =>
        _database.WriteAsync(async (connection, transaction) =>
        {
            // The caller's token reaches the statements: a store that waits on a lock past Bridge:Inbound:StoreTimeout is
            // cancelled on the server and rolled back, not left running.
            var link = withLink
                ? await TicketStore.FindLinkAsync(Provider, connection, transaction, delivery.Subscription, delivery.SituationId, cancellationToken)
                : null;
            var key = InboxKeys.Of(delivery);
            await LockAppendOrderAsync(connection, transaction, cancellationToken);
            await using var insert = connection.CreateCommand(AppendUnlessKnown, transaction);
            Parameters(insert, delivery, key);
            var (accepted, duplicate) = await insert.ExecuteScalarAsync(cancellationToken) is { } id and not DBNull
                ? (Inserted(delivery, Convert.ToInt64(id, CultureInfo.InvariantCulture)), false)
                : (await ReadExistingAsync(connection, transaction, key, cancellationToken), true);
            return (accepted, duplicate, link);
        }, cancellationToken);

    /// <summary>
    /// SQLite: the one writer appends the message and checks the dedupe key in memory (<see cref="InboxKeys"/>), so an
    /// accept writes one row at the inbox's end and nothing else. Group-committed with whatever else waits to be written.
    /// </summary>
    private Task<(DeliveryRecord Delivery, bool IsDuplicate, TicketLink? Link)> AcceptOnTheOneWriterAsync(NewDelivery delivery, bool withLink,
        CancellationToken cancellationToken) =>
        _database.WriteAsync(async (connection, transaction) =>
        {
            var known = await _database.Keys.LoadAsync(connection, transaction);
            var key = InboxKeys.Of(delivery);
            var number = InboxKeys.ToNumber(key);
            DeliveryRecord accepted;
            var duplicate = known.TryGetValue(number, out var existing);
            if (duplicate)
            {
                accepted = (await FindAsync(connection, transaction, existing, cancellationToken))
                    ?? throw new InvalidOperationException($"The inbox's key of delivery {existing} names no row.");
            }
            else
            {
                await using var insert = connection.CreateCommand(AppendOne, transaction);
                Parameters(insert, delivery, key);
                var id = Convert.ToInt64(await insert.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
                known.Add(number, id);
                _database.OnUndo(() => known.Remove(number));
                accepted = Inserted(delivery, id);
            }

            var link = withLink
                ? await TicketStore.FindLinkAsync(Provider, connection, transaction, delivery.Subscription, delivery.SituationId, cancellationToken)
                : null;
            return (accepted, duplicate, link);
        }, cancellationToken);

    private static void Parameters(DbCommand insert, NewDelivery delivery, byte[] key) =>
        insert.Text("@subscription", delivery.Subscription).Text("@situation", delivery.SituationId).Text("@eventType", delivery.EventType)
            .Bytes("@dedupe", key).Bytes("@message", Encoding.UTF8.GetBytes(delivery.Message))
            .Int64("@accepted", delivery.AcceptedAt.ToUnixTimeMilliseconds()).Text("@traceParent", delivery.TraceParent);

    /// <summary>Where several writers append (PostgreSQL): first in every accept transaction (<see cref="StorageProvider.AppendOrderLock"/>).</summary>
    private async Task LockAppendOrderAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        if (Provider.AppendOrderLock is { } sql)
        {
            await using var command = connection.CreateCommand(sql, transaction);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>The row just appended, from what was written: the message is not read back.</summary>
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

    /// <summary>The delivery a duplicate repeats, read by its key in the transaction that found it.</summary>
    private async Task<DeliveryRecord> ReadExistingAsync(DbConnection connection, DbTransaction transaction, byte[] key,
        CancellationToken cancellationToken)
    {
        await using var existing = connection.CreateCommand("SELECT id FROM inbox WHERE dedupe = @dedupe;", transaction).Bytes("@dedupe", key);
        var id = Convert.ToInt64(await existing.ExecuteScalarAsync(CancellationToken.None), CultureInfo.InvariantCulture);
        return await FindAsync(connection, transaction, id, CancellationToken.None)
            ?? throw new InvalidOperationException($"The inbox's key of delivery {id} names no delivery.");
    }

    /// <summary>
    /// "@id0, @id1, …" for <paramref name="ids"/>, padded to a multiple of 16 with an id no row has, so that the
    /// statement's text is one of a few whatever the count.
    /// </summary>
    private static string IdParameters(DbCommand command, IReadOnlyList<long> ids)
    {
        var count = (ids.Count + 15) / 16 * 16;
        for (var i = 0; i < count; i++)
        {
            command.Int64($"@id{i}", i < ids.Count ? ids[i] : -1);
        }

        return string.Join(", ", Enumerable.Range(0, count).Select(i => $"@id{i}"));
    }

    /// <summary>
    /// Gives the inbox's new rows their state rows (Queued, never claimed), up to <see cref="StageBatch"/> in id
    /// order, and moves the cursor past them: what a dispatcher does when it first takes messages up, in the claim's
    /// transaction, never the accept. Also first in any write that changes a situation's pending deliveries, so none
    /// is missed. With several instances the cursor's row lock makes one stage at a time; a claim that finds it taken
    /// (<paramref name="wait"/> false) leaves the staging to that one. A write that waits for it stages the whole inbox,
    /// batch after batch: it changes every pending delivery of a situation, those accepted last included.
    /// </summary>
    internal static async Task StageAsync(StorageProvider provider, DbConnection connection, DbTransaction transaction, bool wait)
    {
        while (await StageBatchAsync(provider, connection, transaction, wait) == StageBatch && wait)
        {
        }
    }

    /// <summary>One batch of <see cref="StageAsync"/>: how many inbox rows got their state rows.</summary>
    private static async Task<int> StageBatchAsync(StorageProvider provider, DbConnection connection, DbTransaction transaction, bool wait)
    {
        long cursor;
        await using (var read = connection.CreateCommand($"SELECT staged_through FROM inbox_cursor WHERE id = 1{provider.LockRead(wait)};", transaction))
        {
            if (await read.ExecuteScalarAsync(CancellationToken.None) is not { } value || value is DBNull)
            {
                return 0;
            }

            cursor = Convert.ToInt64(value, CultureInfo.InvariantCulture);
        }

        long last;
        await using (var end = connection.CreateCommand(
            "SELECT MAX(id) FROM (SELECT id FROM inbox WHERE id > @cursor ORDER BY id LIMIT @limit) n;", transaction)
            .Int64("@cursor", cursor).Int32("@limit", StageBatch))
        {
            if (await end.ExecuteScalarAsync(CancellationToken.None) is not { } value || value is DBNull)
            {
                return 0;
            }

            last = Convert.ToInt64(value, CultureInfo.InvariantCulture);
        }

        int staged;
        await using (var stage = connection.CreateCommand($"""
                INSERT INTO deliveries (id, subscription, situation_id, event_type, state, attempts, accepted_at, queued_at, next_attempt_at, claims)
                SELECT id, subscription, situation_id, event_type, {(int)DeliveryState.Queued}, 0, t, t, t, 0
                FROM (SELECT id, subscription, situation_id, event_type, {provider.TimeFromMilliseconds("accepted_at")} AS t
                      FROM inbox WHERE id > @cursor AND id <= @last) n
                ORDER BY id;
                """, transaction).Int64("@cursor", cursor).Int64("@last", last))
        {
            staged = await stage.ExecuteNonQueryAsync(CancellationToken.None);
        }

        await using var move = connection.CreateCommand("UPDATE inbox_cursor SET staged_through = @last WHERE id = 1;", transaction).Int64("@last", last);
        await move.ExecuteNonQueryAsync(CancellationToken.None);
        return staged;
    }

    public Task<IReadOnlyList<DeliveryRecord>> ClaimDueAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int limit,
        CancellationToken cancellationToken) =>
        _database.WriteAsync<IReadOnlyList<DeliveryRecord>>(async (connection, transaction) =>
        {
            await StageAsync(Provider, connection, transaction, wait: false);
            List<DeliveryRecord> claimed;
            await using (var command = connection.CreateCommand(_claim, transaction)
                .Time(Provider, "@now", now).Int32("@limit", limit)
                .Text("@owner", _instance.Id).Text("@lease", Guid.NewGuid().ToString("N")).Time(Provider, "@until", leaseUntil))
            {
                claimed = await ReadAllAsync(command, CancellationToken.None);
            }

            if (claimed.Count == 0)
            {
                return claimed;
            }

            // The messages, from the inbox, in statements of a few fixed lengths (the writer keeps its statements prepared).
            var messages = new Dictionary<long, (string Message, string? TraceParent)>(claimed.Count);
            var read = connection.CreateCommand();
            read.Transaction = transaction;
            read.CommandText = $"SELECT id, message, trace_parent FROM inbox WHERE id IN ({IdParameters(read, [.. claimed.Select(d => d.Id)])});";
            await using (read)
            await using (var reader = await read.ExecuteReaderAsync(CancellationToken.None))
            {
                while (await reader.ReadAsync(CancellationToken.None))
                {
                    messages[reader.GetInt64(0)] = (Encoding.UTF8.GetString(reader.GetFieldValue<byte[]>(1)), reader.GetNullableString(2));
                }
            }

            return claimed.Select(d => messages.TryGetValue(d.Id, out var m) ? d with { Message = m.Message, TraceParent = m.TraceParent } : d)
                .OrderBy(d => d.Id).ToList();
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
        bool ticketCreated, TicketLink? link, CancellationToken cancellationToken) =>
        _database.WriteAsync(async (connection, transaction) =>
        {
            if (link is not null)
            {
                await TicketStore.SaveAsync(Provider, connection, transaction, link);
            }

            // The owner stays on the row (who made the last attempt); the lease ends. Fenced: a lost claim writes no more.
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
            await StageAsync(Provider, connection, transaction, wait: true);

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
            await StageAsync(Provider, connection, transaction, wait: true);

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
        var newly = Convert.ToInt32(await count.ExecuteScalarAsync(CancellationToken.None), CultureInfo.InvariantCulture);
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
        // A situation has few deliveries, found through ix_deliveries_situation.
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
        return await FindAsync(connection, null, id, cancellationToken);
    }

    public async Task<(DeliveryRecord? Delivery, TicketLink? Link)> FindWithLinkAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return await FindAsync(connection, null, id, cancellationToken) is { } delivery
            ? (delivery, await TicketStore.FindLinkAsync(Provider, connection, null, delivery.Subscription, delivery.SituationId, cancellationToken))
            : (null, null);
    }

    /// <summary>A delivery by id: its state row with its message, or an inbox row not yet staged, read as Queued.</summary>
    private async Task<DeliveryRecord?> FindAsync(DbConnection connection, DbTransaction? transaction, long id, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand($"""
            SELECT {StagedColumns} FROM deliveries d JOIN inbox i ON i.id = d.id WHERE d.id = @id
            UNION ALL
            SELECT {UnstagedColumns} FROM inbox i WHERE i.id = @id AND {Unstaged};
            """, transaction).Int64("@id", id);
        return (await ReadAllAsync(command, cancellationToken)).FirstOrDefault();
    }

    public async Task<DeliveryState?> GetStateAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand($"""
            SELECT state FROM deliveries WHERE id = @id
            UNION ALL
            SELECT {(int)DeliveryState.Queued} FROM inbox i WHERE i.id = @id AND {Unstaged};
            """).Int64("@id", id);
        return await command.ExecuteScalarAsync(cancellationToken) is { } value and not DBNull
            ? (DeliveryState)Convert.ToInt32(value, CultureInfo.InvariantCulture)
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

    /// <summary>
    /// The state rows that match, then the inbox rows not yet staged that match (Queued, and newer than any staged
    /// one): each part ordered by id and cut at <c>skip + take</c>, so neither is read whole.
    /// </summary>
    public async Task<IReadOnlyList<DeliveryRecord>> ListAsync(DeliveryState? state, string? subscription, string? situationId, long skip,
        int take, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        var (staged, unstaged) = Filter(command, state, subscription, situationId);
        var parts = new List<string> { $"SELECT * FROM (SELECT {StagedColumns} FROM deliveries d JOIN inbox i ON i.id = d.id{staged} ORDER BY d.id LIMIT @end) s" };
        if (unstaged is not null)
        {
            parts.Add($"SELECT * FROM (SELECT {UnstagedColumns} FROM inbox i{unstaged} ORDER BY i.id LIMIT @end) u");
        }

        command.CommandText = string.Join(" UNION ALL ", parts) + " ORDER BY 1 LIMIT @take OFFSET @skip;";
        command.Int64("@end", skip + take).Int32("@take", take).Int64("@skip", skip);
        return await ReadAllAsync(command, cancellationToken);
    }

    public async Task<long> CountPendingAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand($"""
            SELECT (SELECT COUNT(*) FROM deliveries WHERE state IN {Pending}) + (SELECT COUNT(*) FROM inbox i WHERE {Unstaged});
            """);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    public async Task<long> CountAsync(DeliveryState? state, string? subscription, string? situationId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        var (staged, unstaged) = Filter(command, state, subscription, situationId);
        command.CommandText = $"SELECT (SELECT COUNT(*) FROM deliveries d{staged})"
            + (unstaged is null ? ";" : $" + (SELECT COUNT(*) FROM inbox i{unstaged});");
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// The conditions asked for with their parameters: for the state rows (<c>d</c>), and for the inbox rows not yet
    /// staged (<c>i</c>), or null when those cannot match (they are all Queued). Only those conditions, never
    /// "@x IS NULL OR": a plain condition lets either database use its index (ix_deliveries_state for a state,
    /// ix_deliveries_situation for a situation) instead of reading every delivery.
    /// </summary>
    private static (string Staged, string? Unstaged) Filter(DbCommand command, DeliveryState? state, string? subscription, string? situationId)
    {
        List<string> staged = [];
        List<string> unstaged = [Unstaged];
        if (state is not null)
        {
            staged.Add("d.state = @state");
            command.Int32("@state", (int)state);
        }

        if (subscription is not null)
        {
            staged.Add("d.subscription = @subscription");
            unstaged.Add("i.subscription = @subscription");
            command.Text("@subscription", subscription);
        }

        if (situationId is not null)
        {
            staged.Add("d.situation_id = @situation");
            unstaged.Add("i.situation_id = @situation");
            command.Text("@situation", situationId);
        }

        return (staged.Count == 0 ? string.Empty : " WHERE " + string.Join(" AND ", staged),
            state is null or DeliveryState.Queued ? " WHERE " + string.Join(" AND ", unstaged) : null);
    }

    public async Task<IReadOnlyDictionary<DeliveryState, long>> CountByStateAsync(DateTimeOffset? since, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        // Two texts rather than "@since IS NULL OR": each is a plain, index-friendly statement on both databases. The
        // inbox rows not yet staged are Queued, counted apart.
        await using var command = since is null
            ? connection.CreateCommand($"""
                SELECT state, COUNT(*) FROM deliveries GROUP BY state
                UNION ALL
                SELECT {(int)DeliveryState.Queued}, COUNT(*) FROM inbox i WHERE {Unstaged};
                """)
            : connection.CreateCommand($"""
                SELECT state, COUNT(*) FROM {Provider.DeliveriesThrough("ix_deliveries_accepted")} WHERE accepted_at >= @since GROUP BY state
                UNION ALL
                SELECT {(int)DeliveryState.Queued}, COUNT(*) FROM inbox i WHERE {Unstaged} AND i.accepted_at >= @sinceMilliseconds;
                """)
                .Time(Provider, "@since", since).Int64("@sinceMilliseconds", since.Value.ToUnixTimeMilliseconds());
        var counts = new Dictionary<DeliveryState, long>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var state = (DeliveryState)Convert.ToInt32(reader.GetValue(0), CultureInfo.InvariantCulture);
            var count = Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture);
            if (count > 0)
            {
                counts[state] = counts.GetValueOrDefault(state) + count;
            }
        }

        return counts;
    }

    /// <summary>
    /// Oldest finished first: their attempts, their messages and their state rows. The inbox's newest row always stays,
    /// so an id is never given twice (the inbox has no AUTOINCREMENT: a new row's id is one more than the greatest). On
    /// the one writer, the removed messages' keys leave <see cref="InboxKeys"/> with them.
    /// </summary>
    public Task<int> RemoveFinishedAsync(DateTimeOffset cutoff, int batchSize, CancellationToken cancellationToken) =>
        _database.WriteAsync(async (connection, transaction) =>
        {
            var known = _database.TakesOneWriter ? await _database.Keys.LoadAsync(connection, transaction) : null;

            // The same oldest batch three times in one transaction: the attempts and the messages first (the batch is
            // read from the state rows), then the state rows. The same rows each time, also where each statement reads
            // afresh (PostgreSQL): ordered to the id, below the newest id read once, and a finished delivery that old
            // changes no more.
            long newest;
            await using (var max = connection.CreateCommand("SELECT COALESCE(MAX(id), 0) FROM inbox;", transaction))
            {
                newest = Convert.ToInt64(await max.ExecuteScalarAsync(CancellationToken.None), CultureInfo.InvariantCulture);
            }

            var batch = $"""
                SELECT id FROM deliveries
                WHERE state IN {Finished} AND completed_at < @cutoff AND id < @newest
                ORDER BY completed_at, id LIMIT @limit
                """;
            await using (var attempts = connection.CreateCommand($"DELETE FROM delivery_attempts WHERE delivery_id IN ({batch});", transaction)
                .Time(Provider, "@cutoff", cutoff).Int32("@limit", batchSize).Int64("@newest", newest))
            {
                await attempts.ExecuteNonQueryAsync(CancellationToken.None);
            }

            await using (var messages = connection.CreateCommand($"DELETE FROM inbox WHERE id IN ({batch}) RETURNING dedupe, id;", transaction)
                .Time(Provider, "@cutoff", cutoff).Int32("@limit", batchSize).Int64("@newest", newest))
            await using (var reader = await messages.ExecuteReaderAsync(CancellationToken.None))
            {
                while (await reader.ReadAsync(CancellationToken.None))
                {
                    if (known is not null)
                    {
                        var (key, id) = (InboxKeys.Read(reader.GetFieldValue<byte[]>(0)), reader.GetInt64(1));
                        known.Remove(key);
                        _database.OnUndo(() => known[key] = id);
                    }
                }
            }

            await using var deliveries = connection.CreateCommand($"DELETE FROM deliveries WHERE id IN ({batch});", transaction)
                .Time(Provider, "@cutoff", cutoff).Int32("@limit", batchSize).Int64("@newest", newest);
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
                // A claim's row has no message yet: the claim reads it from the inbox after.
                Message = reader.IsDBNull(4) ? string.Empty : Encoding.UTF8.GetString(reader.GetFieldValue<byte[]>(4)),
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
