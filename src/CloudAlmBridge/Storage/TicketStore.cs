using System.Data.Common;
using CloudAlmBridge.Vocabulary;

namespace CloudAlmBridge.Storage;

/// <summary>Situation-to-ticket links, one SQL text for every provider.</summary>
internal sealed class TicketStore(BridgeDatabase database) : ITicketStore
{
    internal const string Columns = """
        subscription, situation_id, ticket_id, ticket_number, ticket_status, display_url, is_closed, created_at, updated_at,
        doubt_kind, doubt_since, held_at, hold_note, hold_delivery_id, match_key, closed_at, reopened_from, reopened_by,
        group_id, grouped_with, rating
        """;

    private static readonly string Pending = DeliveryStateExtensions.PendingSql;

    private StorageProvider Provider => database.Provider;

    public Task InitializeAsync(CancellationToken cancellationToken) => database.InitializeAsync(cancellationToken);

    public Task<IAsyncDisposable> LockSituationAsync(string subscription, string situationId, CancellationToken cancellationToken) =>
        Provider.LockSituationAsync(subscription, situationId, cancellationToken);

    public Task<IAsyncDisposable> LockMatchKeyAsync(IAsyncDisposable situationLock, string subscription, string matchKey,
        CancellationToken cancellationToken) =>
        Provider.LockMatchKeyAsync(situationLock, subscription, matchKey, cancellationToken);

    private const string FindLinkSql = $"SELECT {Columns} FROM ticket_links WHERE subscription = @subscription AND situation_id = @situation;";

    public async Task<TicketLink?> FindLinkAsync(string subscription, string situationId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await FindLinkAsync(Provider, connection, null, subscription, situationId, cancellationToken);
    }

    /// <summary>The link read on a connection the caller holds, inside its transaction (an accept reads it with its insert).</summary>
    public static async Task<TicketLink?> FindLinkAsync(StorageProvider provider, DbConnection connection, DbTransaction? transaction,
        string subscription, string situationId, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand(FindLinkSql, transaction)
            .Text("@subscription", subscription).Text("@situation", situationId);
        return (await ReadAllAsync(provider, command, cancellationToken)).FirstOrDefault();
    }

    /// <summary>
    /// The links of many situations in one read, inside the caller's transaction: an accept batch reads those of its
    /// calls that answer without waiting (<see cref="DeliveryStore"/>), on a provider that batches accepts.
    /// </summary>
    public static async Task<Dictionary<(string Subscription, string SituationId), TicketLink>> FindLinksAsync(StorageProvider provider,
        DbConnection connection, DbTransaction transaction, IReadOnlyCollection<(string Subscription, string SituationId)> situations,
        CancellationToken cancellationToken)
    {
        if (situations.Count == 0)
        {
            return [];
        }

        await using var command = connection.CreateCommand(
            $"SELECT {Columns} FROM ticket_links WHERE {provider.SituationPairsCondition("@subscriptions", "@situations")};", transaction);
        provider.AddTextArray(command, "@subscriptions", [.. situations.Select(s => s.Subscription)]);
        provider.AddTextArray(command, "@situations", [.. situations.Select(s => s.SituationId)]);
        return (await ReadAllAsync(provider, command, cancellationToken)).ToDictionary(link => (link.Subscription, link.SituationId));
    }

    public Task SaveLinkAsync(TicketLink link, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, transaction) => SaveAsync(database.Provider, connection, transaction, link), cancellationToken);

    public Task RemoveLinkAsync(string subscription, string situationId, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await using var command = connection.CreateCommand("DELETE FROM ticket_links WHERE subscription = @subscription AND situation_id = @situation;",
                    transaction)
                .Text("@subscription", subscription).Text("@situation", situationId);
            return await command.ExecuteNonQueryAsync(CancellationToken.None);
        }, cancellationToken);

    /// <summary>Writes the link whole (inserted or replaced) in the caller's transaction: a finished delivery's one write.</summary>
    internal static async Task<int> SaveAsync(StorageProvider provider, DbConnection connection, DbTransaction transaction, TicketLink link)
    {
        await using var command = connection.CreateCommand($"""
                INSERT INTO ticket_links ({Columns})
                VALUES (@subscription, @situation, @ticketId, @number, @status, @url, @closed, @created, @updated,
                        @doubt, @doubtSince, @heldAt, @holdNote, @holdDelivery, @matchKey, @closedAt, @reopenedFrom, @reopenedBy,
                        @groupId, @groupedWith, @rating)
                ON CONFLICT (subscription, situation_id) DO UPDATE SET
                    ticket_id = excluded.ticket_id, ticket_number = excluded.ticket_number, ticket_status = excluded.ticket_status,
                    display_url = excluded.display_url, is_closed = excluded.is_closed, updated_at = excluded.updated_at,
                    doubt_kind = excluded.doubt_kind, doubt_since = excluded.doubt_since, held_at = excluded.held_at,
                    hold_note = excluded.hold_note, hold_delivery_id = excluded.hold_delivery_id,
                    match_key = excluded.match_key, closed_at = excluded.closed_at, reopened_from = excluded.reopened_from,
                    group_id = excluded.group_id, grouped_with = excluded.grouped_with, rating = excluded.rating;
                """, transaction)
            .Text("@subscription", link.Subscription).Text("@situation", link.SituationId).Text("@ticketId", link.TicketId)
            .Text("@number", link.TicketNumber).Text("@status", link.TicketStatus).Text("@url", link.DisplayUrl)
            .Boolean("@closed", link.IsClosed).Time(provider, "@created", link.CreatedAt).Time(provider, "@updated", link.UpdatedAt)
            .Int32("@doubt", (int?)link.Doubt).Time(provider, "@doubtSince", link.DoubtSince).Time(provider, "@heldAt", link.HeldAt)
            .Text("@holdNote", link.HoldNote).Int64("@holdDelivery", link.HoldDeliveryId)
            .Text("@matchKey", link.MatchKey).Time(provider, "@closedAt", link.ClosedAt).Text("@reopenedFrom", link.ReopenedFrom)
            .Text("@reopenedBy", link.ReopenedBy).Int64("@groupId", link.GroupId).Text("@groupedWith", link.GroupedWith)
            .Text("@rating", link.Rating);

        // reopened_by is written by SaveReopenedAsync alone: a save of the old situation's link (its PING, its DELETED)
        // that read the link before the reopen must not make its ticket a candidate again.
        return await command.ExecuteNonQueryAsync(CancellationToken.None);
    }

    public async Task<TicketLink?> FindReopenableAsync(string subscription, string matchKey, DateTimeOffset closedSince,
        CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand($"""
                SELECT {Columns} FROM ticket_links
                WHERE subscription = @subscription AND match_key = @matchKey AND closed_at IS NOT NULL AND reopened_by IS NULL
                  AND closed_at >= @since AND is_closed AND ticket_id IS NOT NULL AND held_at IS NULL
                ORDER BY closed_at DESC LIMIT 1;
                """)
            .Text("@subscription", subscription).Text("@matchKey", matchKey).Time(Provider, "@since", closedSince);
        return (await ReadAllAsync(Provider, command, cancellationToken)).FirstOrDefault();
    }

    public Task SaveReopenedAsync(TicketLink link, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await SaveAsync(Provider, connection, transaction, link);
            await using var command = connection.CreateCommand(
                    "UPDATE ticket_links SET reopened_by = @by WHERE subscription = @subscription AND situation_id = @from;", transaction)
                .Text("@by", link.SituationId).Text("@subscription", link.Subscription).Text("@from", link.ReopenedFrom);
            return await command.ExecuteNonQueryAsync(CancellationToken.None);
        }, cancellationToken);

    public async Task<IReadOnlyList<TicketLink>> ListLinksAsync(string? subscription, string? status, long skip, int take,
        CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);

        // Statuses are ASCII words (NEW, IN_PROCESS, RESOLVED), so lower() compares them alike on every provider.
        await using var command = connection.CreateCommand($"""
                SELECT {Columns} FROM ticket_links
                WHERE (@subscription IS NULL OR subscription = @subscription)
                  AND (@status IS NULL OR lower(ticket_status) = lower(@status))
                ORDER BY created_at, subscription, situation_id LIMIT @take OFFSET @skip;
                """)
            .Text("@subscription", subscription).Text("@status", status).Int32("@take", take).Int64("@skip", skip);
        return await ReadAllAsync(Provider, command, cancellationToken);
    }

    public async Task<IReadOnlyList<TicketLink>> ListHeldAsync(string? subscription, long skip, int take, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand($"""
                SELECT {Columns} FROM ticket_links
                WHERE held_at IS NOT NULL AND (@subscription IS NULL OR subscription = @subscription)
                ORDER BY held_at, subscription, situation_id LIMIT @take OFFSET @skip;
                """)
            .Text("@subscription", subscription).Int32("@take", take).Int64("@skip", skip);
        return await ReadAllAsync(Provider, command, cancellationToken);
    }

    public async Task<long> CountHeldAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand("SELECT COUNT(*) FROM ticket_links WHERE held_at IS NOT NULL;");
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    public Task<int> SettleAsync(TicketLink settled, long? requeue, string? discardPendingWith, DateTimeOffset now, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            // Every pending event of the situation has its state row first: those the dispatchers have not taken up yet too.
            await DeliveryStore.StageAsync(Provider, connection, transaction, wait: true);
            await SaveAsync(Provider, connection, transaction, settled);
            var changed = 0;
            if (requeue is { } id)
            {
                // As a replay: a fresh attempt budget. The delivery is dead-lettered, or still pending when the hold was
                // written but its attempt not yet recorded: its lease ends here, so that late record is fenced off.
                await using var command = connection.CreateCommand($"""
                        UPDATE deliveries SET state = @queued, attempts = 0, queued_at = @now, next_attempt_at = @now, lease_id = NULL,
                            lease_until = NULL, completed_at = NULL
                        WHERE id = @id AND subscription = @subscription AND situation_id = @situation
                          AND (state = @deadLettered OR state IN {Pending});
                        """, transaction)
                    .Int64("@id", id).Time(Provider, "@now", now).Text("@subscription", settled.Subscription).Text("@situation", settled.SituationId)
                    .Int32("@queued", (int)DeliveryState.Queued).Int32("@deadLettered", (int)DeliveryState.DeadLettered);
                changed += await command.ExecuteNonQueryAsync(CancellationToken.None);
            }

            if (discardPendingWith is null)
            {
                // The held events' time waiting for a person does not count against MaxRetryAge or MaxAttempts.
                await using var restart = connection.CreateCommand($"""
                        UPDATE deliveries SET attempts = 0, queued_at = @now, next_attempt_at = @now
                        WHERE subscription = @subscription AND situation_id = @situation AND state IN {Pending} AND id <> @id;
                        """, transaction)
                    .Int64("@id", requeue ?? -1).Time(Provider, "@now", now).Text("@subscription", settled.Subscription).Text("@situation", settled.SituationId);
                await restart.ExecuteNonQueryAsync(CancellationToken.None);
            }

            if (discardPendingWith is not null)
            {
                // Only unleased ones: the situation is held, so none of its deliveries is claimed.
                await using var command = connection.CreateCommand($"""
                        UPDATE deliveries SET state = @skipped, last_error = @note, completed_at = @now, lease_id = NULL, lease_until = NULL
                        WHERE subscription = @subscription AND situation_id = @situation AND state IN {Pending};
                        """, transaction)
                    .Int32("@skipped", (int)DeliveryState.Skipped).Text("@note", discardPendingWith).Time(Provider, "@now", now)
                    .Text("@subscription", settled.Subscription).Text("@situation", settled.SituationId);
                changed += await command.ExecuteNonQueryAsync(CancellationToken.None);
            }

            return changed;
        }, cancellationToken);

    internal static async Task<List<TicketLink>> ReadAllAsync(StorageProvider provider, DbCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var links = new List<TicketLink>();
        while (await reader.ReadAsync(cancellationToken))
        {
            links.Add(new TicketLink
            {
                Subscription = reader.GetString(0),
                SituationId = reader.GetString(1),
                TicketId = reader.GetNullableString(2),
                TicketNumber = reader.GetNullableString(3),
                TicketStatus = reader.GetNullableString(4),
                DisplayUrl = reader.GetNullableString(5),
                IsClosed = reader.GetBoolean(6),
                CreatedAt = provider.ReadTime(reader, 7),
                UpdatedAt = provider.ReadTime(reader, 8),
                Doubt = (DoubtKind?)reader.GetNullableInt32(9),
                DoubtSince = provider.ReadNullableTime(reader, 10),
                HeldAt = provider.ReadNullableTime(reader, 11),
                HoldNote = reader.GetNullableString(12),
                HoldDeliveryId = reader.GetNullableInt64(13),
                MatchKey = reader.GetNullableString(14),
                ClosedAt = provider.ReadNullableTime(reader, 15),
                ReopenedFrom = reader.GetNullableString(16),
                ReopenedBy = reader.GetNullableString(17),
                GroupId = reader.GetNullableInt64(18),
                GroupedWith = reader.GetNullableString(19),
                Rating = reader.GetNullableString(20),
            });
        }

        return links;
    }
}
