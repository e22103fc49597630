using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using CloudAlmBridge.Storage;
using CloudAlmBridge.Vocabulary;

namespace CloudAlmBridge.Maintenance;

/// <summary>
/// The windows kept in the database (<c>maintenance_windows</c>): ad hoc windows and early ends of configured ones, so
/// every instance on the database sees them; and what each window held back (<c>deliveries.held_by</c>). One SQL text
/// for every provider.
/// </summary>
internal sealed class MaintenanceStore(BridgeDatabase database)
{
    private const string Columns = "name, origin, starts_at, ends_at, subscriptions, services, at_end, reason, started_by, ended_at, ended_by";

    private static readonly string Pending = DeliveryStateExtensions.PendingSql;

    private StorageProvider Provider => database.Provider;

    /// <summary>The stored windows that end (as planned) after <paramref name="since"/>: every one that can be active or coming then.</summary>
    public async Task<IReadOnlyList<MaintenanceWindow>> EndingAfterAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand($"SELECT {Columns} FROM maintenance_windows WHERE ends_at > @since ORDER BY starts_at, id;")
            .Time(Provider, "@since", since);
        return await ReadAllAsync(command, cancellationToken);
    }

    /// <summary>Stores an ad hoc window and names it <c>adhoc-{id}</c>.</summary>
    public Task<MaintenanceWindow> AddAdHocAsync(MaintenanceWindow window, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await using var insert = Parameters(connection.CreateCommand($"""
                    INSERT INTO maintenance_windows ({Columns}) VALUES (@name, @origin, @start, @end, @subscriptions, @services, @atEnd, @reason, @startedBy, NULL, NULL)
                    RETURNING id;
                    """, transaction), window with { Name = "" });
            var id = Convert.ToInt64(await insert.ExecuteScalarAsync(CancellationToken.None), CultureInfo.InvariantCulture);
            var name = $"{MaintenanceRules.AdHocPrefix}{id}";
            await using var rename = connection.CreateCommand("UPDATE maintenance_windows SET name = @name WHERE id = @id;", transaction)
                .Text("@name", name).Int64("@id", id);
            await rename.ExecuteNonQueryAsync(CancellationToken.None);
            return window with { Name = name };
        }, cancellationToken);

    /// <summary>
    /// Ends a window now: an ad hoc one is marked ended; a configured occurrence gets a row that says it ended. In the
    /// same transaction, the deliveries it holds become due at once, so its policy is applied now, by whichever
    /// instance claims them first. False when the ad hoc window had ended already (another operator, another instance).
    /// </summary>
    public Task<bool> EndAsync(MaintenanceWindow window, DateTimeOffset now, string endedBy, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            if (window.Origin == WindowOrigin.AdHoc)
            {
                await using var end = connection.CreateCommand("""
                        UPDATE maintenance_windows SET ended_at = @now, ended_by = @by
                        WHERE name = @name AND origin = @origin AND ended_at IS NULL AND ends_at > @now;
                        """, transaction)
                    .Time(Provider, "@now", now).Text("@by", endedBy).Text("@name", window.Name).Text("@origin", nameof(WindowOrigin.AdHoc));
                if (await end.ExecuteNonQueryAsync(CancellationToken.None) != 1)
                {
                    return false;
                }
            }
            else
            {
                await using var ended = Parameters(connection.CreateCommand($"""
                        INSERT INTO maintenance_windows ({Columns}) VALUES (@name, @origin, @start, @end, @subscriptions, @services, @atEnd, @reason, @startedBy, @now, @by);
                        """, transaction), window)
                    .Time(Provider, "@now", now).Text("@by", endedBy);
                await ended.ExecuteNonQueryAsync(CancellationToken.None);
            }

            await using var due = connection.CreateCommand($"""
                    UPDATE deliveries SET next_attempt_at = @now
                    WHERE held_by = @name AND held_until IS NOT NULL AND state IN {Pending};
                    """, transaction)
                .Time(Provider, "@now", now).Text("@name", window.Name);
            await due.ExecuteNonQueryAsync(CancellationToken.None);
            return true;
        }, cancellationToken);

    /// <summary>What the named windows held back, by delivery state, and how many of those still wait for the window's end.</summary>
    public async Task<IReadOnlyDictionary<string, HeldBack>> HeldBackAsync(IReadOnlyCollection<string> names, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, HeldBack>(StringComparer.Ordinal);
        if (names.Count == 0)
        {
            return result;
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        var parameters = names.Select((name, i) => (name, parameter: $"@n{i}")).ToList();
        foreach (var (name, parameter) in parameters)
        {
            command.Text(parameter, name);
        }

        // Through ix_deliveries_held_by: only the deliveries a window held carry held_by.
        command.CommandText = $"""
            SELECT held_by, state, CASE WHEN held_until IS NULL THEN 0 ELSE 1 END, COUNT(*) FROM deliveries
            WHERE held_by IN ({string.Join(", ", parameters.Select(p => p.parameter))})
            GROUP BY held_by, state, CASE WHEN held_until IS NULL THEN 0 ELSE 1 END;
            """;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var name = reader.GetString(0);
            var state = (DeliveryState)Convert.ToInt32(reader.GetValue(1), CultureInfo.InvariantCulture);
            var waiting = Convert.ToInt32(reader.GetValue(2), CultureInfo.InvariantCulture) == 1;
            var count = Convert.ToInt64(reader.GetValue(3), CultureInfo.InvariantCulture);
            var held = result.GetValueOrDefault(name) ?? new HeldBack(0, 0, 0, 0);
            result[name] = held with
            {
                Events = held.Events + count,
                Waiting = held.Waiting + (waiting && state.IsPending() ? count : 0),
                Delivered = held.Delivered + (state == DeliveryState.Delivered ? count : 0),
                Dropped = held.Dropped + (state == DeliveryState.Skipped ? count : 0),
            };
        }

        return result;
    }

    private DbCommand Parameters(DbCommand command, MaintenanceWindow window) => command
        .Text("@name", window.Name).Text("@origin", window.Origin.ToString())
        .Time(Provider, "@start", window.Start).Time(Provider, "@end", window.End)
        .Text("@subscriptions", JsonSerializer.Serialize(window.Subscriptions)).Text("@services", JsonSerializer.Serialize(window.Services))
        .Int32("@atEnd", (int)window.AtEnd).Text("@reason", window.Reason).Text("@startedBy", window.StartedBy);

    private async Task<List<MaintenanceWindow>> ReadAllAsync(DbCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var windows = new List<MaintenanceWindow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            windows.Add(new MaintenanceWindow
            {
                Name = reader.GetString(0),
                Origin = Enum.Parse<WindowOrigin>(reader.GetString(1)),
                Start = Provider.ReadTime(reader, 2),
                End = Provider.ReadTime(reader, 3),
                Subscriptions = JsonSerializer.Deserialize<List<string>>(reader.GetString(4)) ?? [],
                Services = JsonSerializer.Deserialize<List<string>>(reader.GetString(5)) ?? [],
                AtEnd = (AtEndPolicy)reader.GetInt32(6),
                Reason = reader.GetNullableString(7),
                StartedBy = reader.GetNullableString(8),
                EndedAt = Provider.ReadNullableTime(reader, 9),
                EndedBy = reader.GetNullableString(10),
            });
        }

        return windows;
    }
}

/// <summary>
/// What a window held back: events (deliveries) in all, those still waiting for its end, and those delivered and
/// dropped since.
/// </summary>
internal sealed record HeldBack(long Events, long Waiting, long Delivered, long Dropped);
