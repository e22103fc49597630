using System.Data.Common;
using System.Threading.Channels;

namespace CloudAlmBridge.Storage;

/// <summary>
/// Group commit for a database that takes many writers (PostgreSQL), for one kind of write: the callers that arrive
/// while a batch is being committed wait here and go together in the next one, one statement batch and one flush
/// instead of a transaction and a flush each (issue 21, item 4). A few batches run side by side
/// (<c>writers</c>), so a lone call never waits for another's commit; a batch holds at most
/// <c>maxBatch</c>. Each caller hears once its batch is committed. A batch that fails as a whole is tried
/// item by item (<c>runAlone</c>), so one bad item fails alone. A batch's statements are cancelled only
/// when every caller in it has given up (Bridge:Inbound:StoreTimeout): a caller that gives up only stops waiting.
/// </summary>
internal sealed class GroupCommit<TItem, TResult> : IAsyncDisposable
{
    private readonly Channel<Pending> _pending = Channel.CreateUnbounded<Pending>();
    private readonly BridgeDatabase _database;
    private readonly int _maxBatch;
    private readonly Func<DbConnection, DbTransaction, IReadOnlyList<TItem>, CancellationToken, Task<IReadOnlyList<TResult>>> _runBatch;
    private readonly Func<TItem, CancellationToken, Task<TResult>> _runAlone;
    private readonly Task[] _writers;

    public GroupCommit(BridgeDatabase database, int writers, int maxBatch,
        Func<DbConnection, DbTransaction, IReadOnlyList<TItem>, CancellationToken, Task<IReadOnlyList<TResult>>> runBatch,
        Func<TItem, CancellationToken, Task<TResult>> runAlone)
    {
        (_database, _maxBatch, _runBatch, _runAlone) = (database, maxBatch, runBatch, runAlone);
        _writers = Enumerable.Range(0, writers).Select(_ => Task.Run(RunAsync)).ToArray();
    }

    public Task<TResult> EnqueueAsync(TItem item, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var pending = new Pending(item, cancellationToken);
        if (!_pending.Writer.TryWrite(pending))
        {
            throw new InvalidOperationException("The storage is shutting down; nothing was written.");
        }

        return pending.Completion.Task.WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        _pending.Writer.TryComplete();
        await Task.WhenAll(_writers);
    }

    private async Task RunAsync()
    {
        var batch = new List<Pending>(_maxBatch);
        while (await _pending.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < _maxBatch && _pending.Reader.TryRead(out var next))
            {
                // One that gave up while it waited here is not written at all.
                if (!next.CancellationToken.IsCancellationRequested)
                {
                    batch.Add(next);
                }
            }

            if (batch.Count > 0)
            {
                await CommitAsync(batch);
            }
        }
    }

    private async Task CommitAsync(List<Pending> batch)
    {
        using var abandoned = new CancellationTokenSource();
        var waiting = batch.Count;
        var registrations = batch.Select(pending => pending.CancellationToken.Register(() =>
        {
            if (Interlocked.Decrement(ref waiting) == 0)
            {
                abandoned.Cancel();
            }
        })).ToList();
        try
        {
            var results = await RunBatchAsync(batch.ConvertAll(pending => pending.Item), abandoned.Token);
            for (var index = 0; index < batch.Count; index++)
            {
                batch[index].Completion.TrySetResult(results[index]);
            }
        }
        catch (Exception) when (batch.Count > 1 && !abandoned.IsCancellationRequested)
        {
            foreach (var pending in batch)
            {
                try
                {
                    pending.Completion.TrySetResult(await _runAlone(pending.Item, pending.CancellationToken));
                }
                catch (Exception alone)
                {
                    pending.Completion.TrySetException(alone);
                }
            }
        }
        catch (Exception exception)
        {
            foreach (var pending in batch)
            {
                pending.Completion.TrySetException(exception);
            }
        }
        finally
        {
            foreach (var registration in registrations)
            {
                registration.Dispose();
            }
        }
    }

    private async Task<IReadOnlyList<TResult>> RunBatchAsync(IReadOnlyList<TItem> items, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var results = await _runBatch(connection, transaction, items, cancellationToken);
        // Not cancelled half-way: a commit that was sent has happened or not, and the callers are told which.
        await transaction.CommitAsync(CancellationToken.None);
        return results;
    }

    private sealed class Pending(TItem item, CancellationToken cancellationToken)
    {
        public TItem Item { get; } = item;

        public CancellationToken CancellationToken { get; } = cancellationToken;

        public TaskCompletionSource<TResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
