using System.Data.Common;
using System.Threading.Channels;

namespace CloudAlmBridge.Storage;

/// <summary>
/// Group commit for a database that takes one writer at a time (SQLite): every write of the process queues here, and
/// one writer runs all that are waiting in one transaction, each in a savepoint of its own (a write that fails is
/// rolled back alone, the others stand), then commits once and only then completes each caller. Under load, accepts,
/// claims, results and link writes share commits instead of fighting for the file lock; alone, a write commits at once.
/// </summary>
internal sealed class WriteQueue(BridgeDatabase database, Action? batchFailed = null) : IAsyncDisposable
{
    /// <summary>At most this many writes share one transaction: bounds a commit's latency under a flood.</summary>
    private const int MaxBatch = 256;

    private readonly Channel<IWrite> _writes = Channel.CreateUnbounded<IWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _startLock = new();
    private Task? _writer;
    private DbConnection? _connection;
    private CommandCache? _commands;
    private DbCommand? _savepoint;
    private DbCommand? _release;

    /// <summary>What to undo in memory if the writes run so far in this batch are not committed (the writer's alone).</summary>
    private readonly List<Action> _undo = [];

    public Task<T> EnqueueAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        var write = new Write<T>(work);
        lock (_startLock)
        {
            _writer ??= Task.Run(RunAsync);
        }

        if (!_writes.Writer.TryWrite(write))
        {
            throw new InvalidOperationException("The storage is shutting down; nothing was written.");
        }

        // Once queued, the write happens whatever the caller does: a caller that gives up only stops waiting for it.
        return write.Completion.Task.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Called inside a write, on the writer: <paramref name="undo"/> runs if that write is rolled back, alone or with
    /// its batch, so what the process keeps in memory beside the file (the inbox's dedupe keys) never says more than
    /// the file does.
    /// </summary>
    public void OnUndo(Action undo) => _undo.Add(undo);

    public async ValueTask DisposeAsync()
    {
        _writes.Writer.TryComplete();
        if (_writer is { } writer)
        {
            await writer;
        }
    }

    private async Task RunAsync()
    {
        var batch = new List<IWrite>(MaxBatch);
        while (await _writes.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _writes.Reader.TryRead(out var next))
            {
                batch.Add(next);
            }

            try
            {
                await CommitAsync(batch);
            }
            catch (Exception exception)
            {
                // The transaction itself failed (disk full, file gone): nothing of the batch was written. Its callers
                // hear so first; the connection is opened afresh for the next batch, even if closing it fails too.
                foreach (var write in batch)
                {
                    write.Fail(exception);
                }

                await CloseQuietlyAsync();
            }
        }

        await CloseQuietlyAsync();
    }

    /// <summary>
    /// The writer's own connection, open for the process: its commands stay prepared across batches (the stores' SQL is
    /// the same every time), which saves SQLite's prepare on every write.
    /// </summary>
    private async Task<DbConnection> ConnectionAsync()
    {
        if (_connection is null)
        {
            _connection = await database.OpenAsync(CancellationToken.None);
            await database.Provider.PrepareWriterAsync(_connection);
            _commands = database.Provider.AttachCommandCache(_connection);
        }

        return _connection;
    }

    private async Task CloseQuietlyAsync()
    {
        try
        {
            await CloseAsync();
        }
        catch (Exception exception) when (exception is DbException or InvalidOperationException or IOException)
        {
            // The connection is dropped either way; the next batch opens a new one.
            (_commands, _savepoint, _release, _connection) = (null, null, null, null);
        }
    }

    private async Task CloseAsync()
    {
        _commands?.Dispose();
        (_commands, _savepoint, _release) = (null, null, null);
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
            _connection = null;
        }
    }

    private async Task CommitAsync(List<IWrite> batch)
    {
        _undo.Clear();
        try
        {
            await CommitBatchAsync(batch);
            _undo.Clear();
        }
        catch
        {
            // A commit that reported a failure may still have reached the file: what the writes keep in memory is
            // undone, and the owner told, so that it reads that state from the file afresh (InboxKeys.Forget).
            Undo(0);
            batchFailed?.Invoke();
            throw;
        }
    }

    /// <summary>Runs the undo actions registered since <paramref name="mark"/>, newest first, and forgets them.</summary>
    private void Undo(int mark)
    {
        for (var i = _undo.Count - 1; i >= mark; i--)
        {
            _undo[i]();
        }

        _undo.RemoveRange(mark, _undo.Count - mark);
    }

    private async Task CommitBatchAsync(List<IWrite> batch)
    {
        var connection = await ConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync(CancellationToken.None);
        var succeeded = new List<IWrite>(batch.Count);

        // Prepared once, run around every write.
        var savepoint = _savepoint ??= connection.CreateCommand("SAVEPOINT write;");
        var release = _release ??= connection.CreateCommand("RELEASE write;");
        savepoint.Transaction = release.Transaction = transaction;
        foreach (var write in batch)
        {
            var mark = _undo.Count;
            await savepoint.ExecuteNonQueryAsync(CancellationToken.None);
            try
            {
                await write.RunAsync(connection, transaction);
                await release.ExecuteNonQueryAsync(CancellationToken.None);
                succeeded.Add(write);
            }
            catch (Exception exception) when (exception is DbException or InvalidOperationException or FormatException or OperationCanceledException)
            {
                // This write alone is undone (or its caller gave up waiting, Bridge:Inbound:StoreTimeout): its caller
                // gets the error, the batch goes on.
                await ExecuteAsync(connection, transaction, "ROLLBACK TO write; RELEASE write;");
                Undo(mark);
                write.Fail(exception);
            }
        }

        await transaction.CommitAsync(CancellationToken.None);
        foreach (var write in succeeded)
        {
            write.Complete();
        }
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction transaction, string sql)
    {
        await using var command = connection.CreateCommand(sql, transaction);
        await command.ExecuteNonQueryAsync(CancellationToken.None);
    }

    private interface IWrite
    {
        Task RunAsync(DbConnection connection, DbTransaction transaction);

        void Complete();

        void Fail(Exception exception);
    }

    private sealed class Write<T>(Func<DbConnection, DbTransaction, Task<T>> work) : IWrite
    {
        private T _result = default!;

        public TaskCompletionSource<T> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task RunAsync(DbConnection connection, DbTransaction transaction) => _result = await work(connection, transaction);

        public void Complete() => Completion.TrySetResult(_result);

        public void Fail(Exception exception) => Completion.TrySetException(exception);
    }
}
