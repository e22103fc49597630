using System.Data;
using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace CloudAlmBridge.Storage.Sqlite;

/// <summary>
/// The default storage: one SQLite file, nothing to install. Times are ISO 8601 text in UTC (fixed width, so they
/// compare as text); one writer at a time is SQLite's own lock.
/// </summary>
internal sealed class SqliteProvider : StorageProvider
{
    /// <summary>The writer's page cache in KiB (SQLite's default is 2,000).</summary>
    private const int WriterCacheKiB = 16 * 1024;

    private readonly string _connectionString;

    public SqliteProvider(string connectionString, string contentRoot)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (builder.DataSource != ":memory:" && !Path.IsPathRooted(builder.DataSource))
        {
            // Relative to the content root, not the working directory: `dotnet run` and the container agree.
            builder.DataSource = Path.Combine(contentRoot, builder.DataSource);
        }

        builder.Pooling = true;
        FilePath = builder.DataSource;
        _connectionString = builder.ToString();
    }

    public override string Name => "Sqlite";

    public string FilePath { get; }

    public override string Location => $"'{FilePath}'";

    public override DbConnection CreateConnection() => new SqliteConnection(_connectionString);

    public override bool TakesOneWriterAtATime => true;

    public override CommandCache AttachCommandCache(DbConnection connection) =>
        CommandCache.Attach(connection, sql => new ReusableSqliteCommand(sql, (SqliteConnection)connection), command => ((ReusableSqliteCommand)command).Retire());

    /// <summary>
    /// The writer's connection: each write runs in a savepoint, whose journal of the pages it changes stays in memory
    /// instead of a temporary file (a write and a seek per page otherwise); and a page cache that holds the indexes'
    /// upper levels and recent leaves, so an accept does not read them from the file again. Commits stay synchronous
    /// (the default FULL): an accepted event is on disk before its answer.
    /// </summary>
    public override async Task PrepareWriterAsync(DbConnection connection)
    {
        await using var command = connection.CreateCommand($"PRAGMA temp_store = MEMORY; PRAGMA cache_size = -{WriterCacheKiB};");
        await command.ExecuteNonQueryAsync(CancellationToken.None);
    }

    /// <summary>Without statistics SQLite would scan every pending delivery by state and sort them, at every claim.</summary>
    public override string DueIndexHint => " INDEXED BY ix_deliveries_due";

    /// <summary>
    /// An exclusive lock on <c>{database}.lock</c> beside the file, held for the process's life: a second bridge on the
    /// same file stops at its start. What the bridge keeps in memory of an SQLite file (its one writer, the claims it
    /// runs) is the whole truth only while it is the file's one process. The operating system releases the lock when
    /// the process ends, however it ends.
    /// </summary>
    public override IDisposable? TakeProcessLock()
    {
        if (FilePath == ":memory:" || _connectionString.Contains("Mode=Memory", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var path = FilePath + ".lock";
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        try
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException exception) when (File.Exists(path))
        {
            throw new StorageInUseException(
                $"the SQLite database '{FilePath}' is in use by another bridge process ({path} is locked): SQLite takes one bridge per file. "
                + "Stop the other one, or run several instances on PostgreSQL (docs/operations.md, \"Several instances on PostgreSQL\")", exception);
        }
    }

    public override async Task PrepareAsync(CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(FilePath);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        // WAL lets readers (the management API) run beside the writer; it is a property of the file, set outside any
        // transaction.
        await using var connection = CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand("PRAGMA journal_mode=WAL;");
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>An immediate transaction takes SQLite's write lock at once: a second process waits, then finds the schema migrated.</summary>
    public override async Task<DbTransaction> BeginSchemaTransactionAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await connection.BeginTransactionAsync(IsolationLevel.Serializable, cancellationToken);

    /// <summary>A file from before the version table had <c>ticket_links</c> already: that is version 1.</summary>
    public override async Task<int> UnversionedSchemaAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'ticket_links';", transaction);
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) > 0 ? 1 : 0;
    }

    /// <summary>One statement: SQLite runs it under its write lock, so two claimers never choose the same row.</summary>
    /// <summary>
    /// SQLite's result codes that mean the file cannot be written or read now (busy, locked, read-only, an I/O error, a
    /// full disk, a file that cannot be opened), as opposed to a statement's own error.
    /// </summary>
    /// <summary>
    /// Below this the file cannot take a storm's pages. The readiness probe's own write says too little on a full disk:
    /// one page may still fit where the write-ahead log is reused after a checkpoint, while every event's pages do not.
    /// </summary>
    private const long MinimumFreeBytes = 1024 * 1024;

    public override string? NoRoom()
    {
        try
        {
            var folder = Path.GetDirectoryName(Path.GetFullPath(FilePath));
            var free = folder is null ? long.MaxValue : new DriveInfo(folder).AvailableFreeSpace;
            return free < MinimumFreeBytes ? $"the disk under {Location} has {free / 1024} KiB free, less than the 1 MiB a storm of events needs" : null;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException)
        {
            // A volume the runtime cannot measure: the probe's write is what tells.
            return null;
        }
    }

    public override string DeliveriesThrough(string index) => $"deliveries INDEXED BY {index}";

    public override string TableExistsStatement => "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = @table;";

    protected override bool IsProviderUnavailable(Exception exception) =>
        exception is SqliteException { SqliteErrorCode: 5 or 6 or 8 or 10 or 13 or 14 };

    public override string ClaimStatement(string candidates, string columns) => $"""
        UPDATE deliveries SET owner = @owner, lease_id = @lease, lease_until = @until, claims = claims + 1
        WHERE id IN ({candidates})
        RETURNING {columns};
        """;

    /// <summary>One process per file: the in-process situation lock is the whole lock.</summary>
    public override Task<IAsyncDisposable> LockSituationAsync(string subscription, string situationId, CancellationToken cancellationToken) =>
        Task.FromResult<IAsyncDisposable>(NoLock.Instance);

    public override Task<IAsyncDisposable> LockMatchKeyAsync(IAsyncDisposable situationLock, string subscription, string matchKey,
        CancellationToken cancellationToken) =>
        Task.FromResult<IAsyncDisposable>(NoLock.Instance);

    public override void AddTime(DbCommand command, string name, DateTimeOffset? value) =>
        Add(command, name, value is { } time ? time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture) : null, DbType.String);

    public override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) =>
        DateTimeOffset.Parse(reader.GetString(ordinal), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    /// <summary>
    /// The text <see cref="AddTime"/> writes ("O": seven digits of fraction, so text order is time order) for a time
    /// in whole milliseconds.
    /// </summary>
    public override string TimeFromMilliseconds(string expression) =>
        $"printf('%s.%03d0000Z', strftime('%Y-%m-%dT%H:%M:%S', ({expression}) / 1000, 'unixepoch'), ({expression}) % 1000)";

    private sealed class NoLock : IAsyncDisposable
    {
        public static readonly NoLock Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
