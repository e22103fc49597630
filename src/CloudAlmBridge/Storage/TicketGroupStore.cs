using System.Data.Common;
using CloudAlmBridge.Vocabulary;

namespace CloudAlmBridge.Storage;

/// <summary>Groups of situations sharing one ticket, one SQL text for every provider.</summary>
internal sealed class TicketGroupStore(BridgeDatabase database) : ITicketGroupStore
{
    private const string Select = """
        SELECT g.id, g.subscription, g.group_key, g.opened_by, g.opened_at, g.closed_at,
               (SELECT COUNT(*) FROM ticket_links m WHERE m.group_id = g.id),
               (SELECT COUNT(*) FROM ticket_links m WHERE m.group_id = g.id AND NOT m.is_closed)
        FROM ticket_groups g
        """;

    private StorageProvider Provider => database.Provider;

    public async Task<TicketGroup?> FindOpenAsync(string subscription, string key, DateTimeOffset openedSince, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand($"""
                {Select}
                WHERE g.subscription = @subscription AND g.group_key = @key AND g.closed_at IS NULL AND g.opened_at >= @since
                ORDER BY g.opened_at DESC, g.id DESC LIMIT 1;
                """)
            .Text("@subscription", subscription).Text("@key", key).Time(Provider, "@since", openedSince);
        return await WithOpenerAsync(connection, (await ReadAllAsync(command, cancellationToken)).FirstOrDefault(), cancellationToken);
    }

    public Task<TicketGroup> OpenAsync(string subscription, string key, string openedBy, DateTimeOffset now, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await using var command = connection.CreateCommand("""
                    INSERT INTO ticket_groups (subscription, group_key, opened_by, opened_at) VALUES (@subscription, @key, @openedBy, @now)
                    RETURNING id;
                    """, transaction)
                .Text("@subscription", subscription).Text("@key", key).Text("@openedBy", openedBy).Time(Provider, "@now", now);
            var id = Convert.ToInt64(await command.ExecuteScalarAsync(CancellationToken.None), System.Globalization.CultureInfo.InvariantCulture);
            return new TicketGroup { Id = id, Subscription = subscription, Key = key, OpenedBy = openedBy, OpenedAt = now };
        }, cancellationToken);

    public Task TakeOverAsync(long id, string openedBy, CancellationToken cancellationToken) =>
        ExecuteAsync("UPDATE ticket_groups SET opened_by = @openedBy WHERE id = @id;",
            command => command.Int64("@id", id).Text("@openedBy", openedBy), cancellationToken);

    public Task RemoveIfEmptyAsync(long id, CancellationToken cancellationToken) =>
        ExecuteAsync("DELETE FROM ticket_groups WHERE id = @id AND NOT EXISTS (SELECT 1 FROM ticket_links m WHERE m.group_id = @id);",
            command => command.Int64("@id", id), cancellationToken);

    public Task CloseAsync(long id, DateTimeOffset closedAt, CancellationToken cancellationToken) =>
        ExecuteAsync("UPDATE ticket_groups SET closed_at = @closedAt WHERE id = @id AND closed_at IS NULL;",
            command => command.Int64("@id", id).Time(Provider, "@closedAt", closedAt), cancellationToken);

    public async Task<int> CountOpenMembersAsync(long id, string except, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand(
                "SELECT COUNT(*) FROM ticket_links WHERE group_id = @id AND NOT is_closed AND situation_id <> @except;")
            .Int64("@id", id).Text("@except", except);
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task<TicketGroup?> FindAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand($"{Select} WHERE g.id = @id;").Int64("@id", id);
        return await WithOpenerAsync(connection, (await ReadAllAsync(command, cancellationToken)).FirstOrDefault(), cancellationToken);
    }

    public async Task<IReadOnlyList<TicketGroup>> ListAsync(string? subscription, bool? open, long skip, int take, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);

        // Open or closed is a choice between two texts: a typed null parameter is read differently by the providers.
        var state = open switch { true => " AND g.closed_at IS NULL", false => " AND g.closed_at IS NOT NULL", null => string.Empty };
        await using var command = connection.CreateCommand($"""
                {Select}
                WHERE (@subscription IS NULL OR g.subscription = @subscription){state}
                ORDER BY g.opened_at DESC, g.id DESC LIMIT @take OFFSET @skip;
                """)
            .Text("@subscription", subscription).Int32("@take", take).Int64("@skip", skip);
        var groups = await ReadAllAsync(command, cancellationToken);
        var withOpeners = new List<TicketGroup>(groups.Count);
        foreach (var group in groups)
        {
            withOpeners.Add((await WithOpenerAsync(connection, group, cancellationToken))!);
        }

        return withOpeners;
    }

    public async Task<IReadOnlyList<TicketLink>> ListMembersAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand(
                $"SELECT {TicketStore.Columns} FROM ticket_links WHERE group_id = @id ORDER BY created_at, situation_id;")
            .Int64("@id", id);
        return await TicketStore.ReadAllAsync(Provider, command, cancellationToken);
    }

    private async Task<TicketGroup?> WithOpenerAsync(DbConnection connection, TicketGroup? group, CancellationToken cancellationToken) =>
        group is null ? null : group with
        {
            Opener = await TicketStore.FindLinkAsync(Provider, connection, null, group.Subscription, group.OpenedBy, cancellationToken),
        };

    private Task ExecuteAsync(string sql, Func<DbCommand, DbCommand> parameters, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await using var command = parameters(connection.CreateCommand(sql, transaction));
            return await command.ExecuteNonQueryAsync(CancellationToken.None);
        }, cancellationToken);

    private async Task<List<TicketGroup>> ReadAllAsync(DbCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var groups = new List<TicketGroup>();
        while (await reader.ReadAsync(cancellationToken))
        {
            groups.Add(new TicketGroup
            {
                Id = reader.GetInt64(0),
                Subscription = reader.GetString(1),
                Key = reader.GetString(2),
                OpenedBy = reader.GetString(3),
                OpenedAt = Provider.ReadTime(reader, 4),
                ClosedAt = Provider.ReadNullableTime(reader, 5),
                Members = Convert.ToInt32(reader.GetValue(6), System.Globalization.CultureInfo.InvariantCulture),
                OpenMembers = Convert.ToInt32(reader.GetValue(7), System.Globalization.CultureInfo.InvariantCulture),
            });
        }

        return groups;
    }
}
