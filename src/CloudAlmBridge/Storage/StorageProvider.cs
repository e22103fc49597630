using System.Data;
using System.Data.Common;
using CloudAlmBridge.Vocabulary;

namespace CloudAlmBridge.Storage;

/// <summary>
/// What differs between the databases the bridge stores in; everything else (the SQL of the stores, the migration
/// runner) is shared. One small subclass per database: <see cref="Sqlite.SqliteProvider"/>,
/// <see cref="PostgreSql.PostgreSqlProvider"/>.
/// </summary>
internal abstract class StorageProvider
{
    /// <summary>The provider's name as configured (<c>Sqlite</c>, <c>PostgreSql</c>), and its migrations' folder.</summary>
    public abstract string Name { get; }

    /// <summary>Where the data is, for logs and errors: a file path, or host and database (never a password).</summary>
    public abstract string Location { get; }

    public abstract DbConnection CreateConnection();

    /// <summary>
    /// Takes what makes this process the storage's only user, where the database needs one (SQLite: one process per
    /// file); held until disposed. Null where several processes share the storage (PostgreSQL's claims and locks).
    /// </summary>
    /// <exception cref="StorageInUseException">Another process holds it.</exception>
    public virtual IDisposable? TakeProcessLock() => null;

    /// <summary>
    /// The failure says the storage cannot serve now (away, full, read-only, out of connections, timed out), not that
    /// the bridge asked something wrong: the caller is answered 503 with <c>Retry-After</c>, and the outage logged once.
    /// </summary>
    public bool IsUnavailable(Exception exception) => exception is StoreRefusedException || IsProviderUnavailable(exception);

    /// <summary>The provider's own exceptions that mean "not now" (a refused connection, a full disk, a lock).</summary>
    protected abstract bool IsProviderUnavailable(Exception exception);

    /// <summary>
    /// Why the storage has no room for an event now, where the provider can tell without writing (a full disk under a
    /// SQLite file); null when it has, or cannot tell.
    /// </summary>
    public virtual string? NoRoom() => null;

    /// <summary>The statement answering 1 when the table exists, 0 when not (the parameter <c>@table</c> names it).</summary>
    public abstract string TableExistsStatement { get; }

    /// <summary>
    /// The deliveries table read through the named index. SQLite (without statistics) would rather scan every
    /// delivery in state order for a GROUP BY state than read a range of <paramref name="index"/>; PostgreSQL chooses
    /// well by itself.
    /// </summary>
    public virtual string DeliveriesThrough(string index) => "deliveries";

    /// <summary>True where the database takes one writer at a time: then the bridge group-commits its writes itself.</summary>
    public virtual bool TakesOneWriterAtATime => false;

    /// <summary>
    /// The append of many accepted messages to the inbox as one statement (<see cref="GroupCommit{TItem, TResult}"/>),
    /// for a database that takes many writers: null where the accepts are group-committed otherwise (SQLite's one
    /// writer, <see cref="WriteQueue"/>). The statement inserts, in the batch's order, what is not there yet (by
    /// <paramref name="keys"/>, the dedupe keys) and returns the id and dedupe key of each row it inserted.
    /// </summary>
    public virtual DbCommand? CreateAcceptBatch(DbConnection connection, DbTransaction transaction, IReadOnlyList<NewDelivery> deliveries,
        IReadOnlyList<byte[]> keys, IReadOnlyList<byte[]> messages) => null;

    /// <summary>
    /// Where several writers append to the inbox: a statement run first in every accept transaction, which holds a
    /// lock to its end, so inbox ids become visible in the order they were given (the dispatchers stage the inbox
    /// behind a cursor, which must never pass an id that is still to be committed). Null with one writer.
    /// </summary>
    public virtual string? AppendOrderLock => null;

    /// <summary>
    /// The clause that locks the row a <c>SELECT</c> reads (the inbox cursor) to the transaction's end, or skips it
    /// when <paramref name="wait"/> is false and another transaction holds it; empty with one writer.
    /// </summary>
    public virtual string LockRead(bool wait) => string.Empty;

    /// <summary>SQL turning an inbox time (integer milliseconds since 1970, UTC) into the provider's time column type.</summary>
    public abstract string TimeFromMilliseconds(string expression);

    /// <summary>
    /// The condition "the row's subscription and situation_id are one of the pairs in these two array parameters", for
    /// the reads of an accept batch: only where accepts are batched (<see cref="CreateAcceptBatch"/>).
    /// </summary>
    public virtual string SituationPairsCondition(string subscriptions, string situations) => throw new NotSupportedException();

    /// <summary>An array of text as one parameter: only where accepts are batched (<see cref="CreateAcceptBatch"/>).</summary>
    public virtual void AddTextArray(DbCommand command, string name, string?[] values) => throw new NotSupportedException();

    /// <summary>
    /// Opens the one writer's connection, kept open for the process with its commands prepared once
    /// (<see cref="CommandCache"/>); only for a provider that <see cref="TakesOneWriterAtATime"/>.
    /// </summary>
    public virtual CommandCache AttachCommandCache(DbConnection connection) => throw new NotSupportedException();

    /// <summary>Settings of the one writer's connection, once when it opens; only for a provider that <see cref="TakesOneWriterAtATime"/>.</summary>
    public virtual Task PrepareWriterAsync(DbConnection connection) => throw new NotSupportedException();

    /// <summary>Once per process before the schema is touched (SQLite: the file's folder and journal mode).</summary>
    public virtual Task PrepareAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Begins the transaction the migrations run in, holding the lock that keeps two instances starting together from
    /// migrating at once: SQLite's write lock, PostgreSQL's advisory lock.
    /// </summary>
    public abstract Task<DbTransaction> BeginSchemaTransactionAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>The schema version of a database without the version table (0: empty).</summary>
    public virtual Task<int> UnversionedSchemaAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        Task.FromResult(0);

    /// <summary>
    /// Written after <c>FROM deliveries d</c> in the claim's candidates, where the provider's planner must be told to
    /// read the pending deliveries in due order (<c>ix_deliveries_due</c>) rather than all of them.
    /// </summary>
    public virtual string DueIndexHint => string.Empty;

    /// <summary>
    /// The claim statement around <paramref name="candidates"/>, a <c>SELECT d.id FROM deliveries d …</c>: sets the
    /// parameters <c>@owner</c>, <c>@lease</c>, <c>@until</c> on the chosen rows and returns <paramref name="columns"/>.
    /// </summary>
    public abstract string ClaimStatement(string candidates, string columns);

    /// <summary>
    /// Holds the database's lock of one situation until disposed, so that link writes of several instances never
    /// interleave. SQLite has one process per file and needs none beyond the in-process lock.
    /// </summary>
    public abstract Task<IAsyncDisposable> LockSituationAsync(string subscription, string situationId, CancellationToken cancellationToken);

    /// <summary>
    /// The lock of a match key, inside the situation lock <paramref name="situationLock"/> (which it ends with at the
    /// latest): SQLite has none beyond the in-process one; PostgreSQL takes an advisory lock on the situation lock's own
    /// connection, so it needs no second connection from the pool.
    /// </summary>
    public abstract Task<IAsyncDisposable> LockMatchKeyAsync(IAsyncDisposable situationLock, string subscription, string matchKey,
        CancellationToken cancellationToken);

    /// <summary>Adds a time parameter in the provider's time column type (SQLite: ISO 8601 text in UTC).</summary>
    public abstract void AddTime(DbCommand command, string name, DateTimeOffset? value);

    public abstract DateTimeOffset ReadTime(DbDataReader reader, int ordinal);

    public DateTimeOffset? ReadNullableTime(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : ReadTime(reader, ordinal);

    /// <summary>The provider's numbered migrations, embedded from <c>Storage/Migrations/{Name}/0001.sql</c> on.</summary>
    public IReadOnlyList<string> Migrations => _migrations ??= LoadMigrations();

    private IReadOnlyList<string>? _migrations;

    private List<string> LoadMigrations()
    {
        var assembly = typeof(StorageProvider).Assembly;
        var prefix = $"Migration.{Name}/";
        var names = assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        var migrations = new List<string>();
        foreach (var name in names)
        {
            if (name != $"{prefix}{migrations.Count + 1:D4}")
            {
                throw new InvalidOperationException($"Migration '{name}' is out of sequence: migrations are numbered 0001, 0002, … without gaps.");
            }

            using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
            migrations.Add(reader.ReadToEnd());
        }

        return migrations;
    }

    /// <summary>A parameter of one of the plain types every provider maps alike.</summary>
    public static void Add(DbCommand command, string name, object? value, DbType type)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.DbType = type;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }
}
