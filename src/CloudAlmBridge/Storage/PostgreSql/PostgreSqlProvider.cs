using System.Data;
using System.Data.Common;
using CloudAlmBridge.Vocabulary;
using Npgsql;
using NpgsqlTypes;

namespace CloudAlmBridge.Storage.PostgreSql;

/// <summary>
/// Storage for several bridge instances: one PostgreSQL database shared by all. Claims skip rows another instance
/// holds (<c>FOR UPDATE SKIP LOCKED</c>), and the schema and each situation are locked with advisory locks, which the
/// server releases by itself when the instance holding them dies.
/// </summary>
internal sealed class PostgreSqlProvider : StorageProvider, IAsyncDisposable
{
    /// <summary>The advisory lock of schema migrations: "CALMBRDG" as a number, unlikely to meet another application's.</summary>
    private const long SchemaLockKey = 0x43414C4D42524447;

    private readonly NpgsqlDataSource _dataSource;

    // A situation lock holds a pooled connection for as long as its delivery or PING talks to the ticket system, and
    // the work under it needs connections of its own: at most half the pool is held by locks, so statements always
    // find one. More holders wait here, not on the pool.
    private readonly SemaphoreSlim _lockConnections;

    public PostgreSqlProvider(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!new NpgsqlConnectionStringBuilder(connectionString).ContainsKey("Max Auto Prepare"))
        {
            // The stores send the same few statements all the time: Npgsql prepares each on the server once it has
            // been used twice on a connection, instead of parsing and planning it for every call. `Max Auto
            // Prepare=0` in the connection string turns it off (PgBouncer in transaction mode before 1.21 needs that).
            builder.MaxAutoPrepare = 32;
            builder.AutoPrepareMinUsages = 2;
        }

        if (!new NpgsqlConnectionStringBuilder(connectionString).ContainsKey("No Reset On Close"))
        {
            // The bridge keeps no session state on a connection (its advisory locks end with their transactions), so
            // a connection given back to the pool needs no DISCARD ALL: that was a round trip per use, about 1,300 a
            // second under the side-by-side load (pg_stat_statements, docs/performance.md).
            builder.NoResetOnClose = true;
        }

        Location = $"'{builder.Database}' on {builder.Host}:{builder.Port}";
        _lockConnections = new SemaphoreSlim(Math.Max(1, builder.MaxPoolSize / 2));
        _dataSource = NpgsqlDataSource.Create(builder);
    }

    public override string Name => "PostgreSql";

    public override string Location { get; }

    public override DbConnection CreateConnection() => _dataSource.CreateConnection();

    /// <summary>A transaction-scoped advisory lock: a second instance waits here, then finds the schema migrated.</summary>
    public override async Task<DbTransaction> BeginSchemaTransactionAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = connection.CreateCommand("SELECT pg_advisory_xact_lock(@key);", transaction).Int64("@key", SchemaLockKey);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return transaction;
    }

    /// <summary>
    /// Rows another claimer has locked are skipped rather than waited for, so instances claim side by side. The
    /// candidates' condition is checked again on each row once it is locked, so a row claimed meanwhile is not taken.
    /// </summary>
    /// <summary>
    /// Npgsql's own verdict (network errors, and the server's "not now": too many clients, disk full, shutting down,
    /// cannot connect now, a deadlock, a lock not available), plus a server that has become read-only (a failover).
    /// </summary>
    // The schema the connection's search_path puts first: where the bridge creates its tables.
    public override string TableExistsStatement => "SELECT CASE WHEN to_regclass(@table) IS NULL THEN 0 ELSE 1 END;";

    protected override bool IsProviderUnavailable(Exception exception) =>
        exception is NpgsqlException { IsTransient: true } or PostgresException { SqlState: "25006" or "53100" or "57014" };

    public override string ClaimStatement(string candidates, string columns) => $"""
        WITH claimable (claimed_id) AS ({candidates} FOR UPDATE OF d SKIP LOCKED)
        UPDATE deliveries SET owner = @owner, lease_id = @lease, lease_until = @until, claims = claims + 1
        FROM claimable WHERE deliveries.id = claimable.claimed_id
        RETURNING {columns};
        """;

    /// <summary>
    /// A transaction-scoped advisory lock on the situation's key, on a connection of its own held until disposed: the
    /// lock ends with the transaction, also when the connection breaks or the instance dies.
    /// </summary>
    public override async Task<IAsyncDisposable> LockSituationAsync(string subscription, string situationId, CancellationToken cancellationToken)
    {
        await _lockConnections.WaitAsync(cancellationToken);
        NpgsqlConnection? connection = null;
        try
        {
            connection = await _dataSource.OpenConnectionAsync(cancellationToken);
            var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using var command = connection.CreateCommand("SELECT pg_advisory_xact_lock(hashtextextended(@key, 0));", transaction)
                .Text("@key", $"{subscription}\n{situationId}");

            // The holder may take minutes (attempts, Retry-After waits): wait as long as it holds, bounded only by the
            // caller's cancellation, not by the command timeout.
            command.CommandTimeout = 0;
            await command.ExecuteNonQueryAsync(cancellationToken);
            return new SituationLock(connection, transaction, _lockConnections);
        }
        catch
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }

            _lockConnections.Release();
            throw;
        }
    }

    /// <summary>
    /// A second advisory lock in the situation lock's transaction: no connection of its own (a storm of one key would
    /// otherwise hold two pool connections per delivery), and it ends with that transaction, as the situation's does.
    /// The key's text cannot be a situation's: situation ids hold no line break.
    /// </summary>
    public override async Task<IAsyncDisposable> LockMatchKeyAsync(IAsyncDisposable situationLock, string subscription, string matchKey,
        CancellationToken cancellationToken)
    {
        var held = situationLock as SituationLock
            ?? throw new InvalidOperationException("A match key is locked inside the situation lock this provider gave.");
        await held.LockAlsoAsync($"{subscription}\nmatch-key\n{matchKey}", cancellationToken);
        return NoRelease.Instance;
    }

    /// <summary>
    /// One <c>INSERT … SELECT FROM unnest(…)</c> for the whole batch: one statement text whatever the batch's size, so
    /// the server prepares it once; rows come out in the batch's order, so ids keep the order of acceptance.
    /// </summary>
    public override DbCommand CreateAcceptBatch(DbConnection connection, DbTransaction transaction, IReadOnlyList<NewDelivery> deliveries,
        IReadOnlyList<byte[]> keys, IReadOnlyList<byte[]> messages)
    {
        var command = connection.CreateCommand("""
            INSERT INTO inbox (subscription, situation_id, event_type, dedupe, message, accepted_at, trace_parent)
            SELECT a.subscription, a.situation_id, a.event_type, a.dedupe, a.message, a.accepted_at, a.trace_parent
            FROM unnest(@subscriptions, @situations, @eventTypes, @dedupes, @messages, @times, @traceParents)
                 WITH ORDINALITY AS a(subscription, situation_id, event_type, dedupe, message, accepted_at, trace_parent, position)
            ORDER BY a.position
            ON CONFLICT (dedupe) DO NOTHING
            RETURNING id, dedupe;
            """, transaction);
        AddTextArray(command, "@subscriptions", [.. deliveries.Select(d => d.Subscription)]);
        AddTextArray(command, "@situations", [.. deliveries.Select(d => d.SituationId)]);
        AddTextArray(command, "@eventTypes", [.. deliveries.Select(d => d.EventType)]);
        AddTextArray(command, "@traceParents", [.. deliveries.Select(d => d.TraceParent)]);
        command.Parameters.Add(new NpgsqlParameter<byte[][]>("@dedupes", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { TypedValue = [.. keys] });
        command.Parameters.Add(new NpgsqlParameter<byte[][]>("@messages", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { TypedValue = [.. messages] });
        command.Parameters.Add(new NpgsqlParameter<long[]>("@times", NpgsqlDbType.Array | NpgsqlDbType.Bigint)
        {
            TypedValue = [.. deliveries.Select(d => d.AcceptedAt.ToUnixTimeMilliseconds())],
        });
        return command;
    }

    /// <summary>
    /// A transaction-scoped advisory lock of two 32-bit keys (a key space apart from the situations' 64-bit keys):
    /// accepts of every instance append one transaction after the other, so no inbox id is committed after a greater
    /// one. The lock is released after the commit is visible, so the next accept's ids are greater than every committed
    /// one. Group commit keeps this cheap: a transaction appends a batch.
    /// </summary>
    public override string AppendOrderLock => "SELECT pg_advisory_xact_lock(7121, 17);";

    public override string LockRead(bool wait) => wait ? " FOR UPDATE" : " FOR UPDATE SKIP LOCKED";

    public override string TimeFromMilliseconds(string expression) => $"to_timestamp(({expression}) / 1000.0)";

    public override string SituationPairsCondition(string subscriptions, string situations) =>
        $"(subscription, situation_id) IN (SELECT * FROM unnest({subscriptions}, {situations}))";

    public override void AddTextArray(DbCommand command, string name, string?[] values) =>
        command.Parameters.Add(new NpgsqlParameter<string?[]>(name, NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = values });

    public override void AddTime(DbCommand command, string name, DateTimeOffset? value) =>
        Add(command, name, value?.ToUniversalTime(), DbType.DateTimeOffset);

    public override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) => reader.GetFieldValue<DateTimeOffset>(ordinal);

    public async ValueTask DisposeAsync()
    {
        await _dataSource.DisposeAsync();
        _lockConnections.Dispose();
    }

    private sealed class SituationLock(NpgsqlConnection connection, NpgsqlTransaction transaction, SemaphoreSlim slots) : IAsyncDisposable
    {
        public async Task LockAlsoAsync(string key, CancellationToken cancellationToken)
        {
            await using var command = connection.CreateCommand("SELECT pg_advisory_xact_lock(hashtextextended(@key, 0));", transaction).Text("@key", key);
            command.CommandTimeout = 0;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                // Nothing was written in it: ending the transaction only releases the lock.
                if (connection.FullState == ConnectionState.Open)
                {
                    await transaction.RollbackAsync(CancellationToken.None);
                }
            }
            catch (Exception exception) when (exception is DbException or InvalidOperationException or ObjectDisposedException or IOException)
            {
                // The connection broke on the way: the server ended the transaction, and the lock with it. The work
                // done under the lock stands; a failure here must not turn it into a failed attempt.
            }
            finally
            {
                await transaction.DisposeAsync();
                await connection.DisposeAsync();
                slots.Release();
            }
        }
    }

    /// <summary>A lock released with the transaction of the lock it was taken in.</summary>
    private sealed class NoRelease : IAsyncDisposable
    {
        public static readonly NoRelease Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
