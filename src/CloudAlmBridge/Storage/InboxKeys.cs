using System.Buffers;
using System.Buffers.Binary;
using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using CloudAlmBridge.Vocabulary;

namespace CloudAlmBridge.Storage;

/// <summary>
/// The inbox's dedupe keys in memory, for a file that one process writes through one writer (SQLite, under its
/// <c>{file}.lock</c>): every accepted message's key and id, so a repeat is found without an index at a random place in
/// the file (issue 21, item 1). Authoritative because nothing else writes the file: read from the inbox on the first
/// accept, then changed only inside the writer's writes, with an undo for a write that is rolled back
/// (<see cref="WriteQueue.OnUndo"/>). Not thread-safe on purpose: the writer is one task.
/// </summary>
internal sealed class InboxKeys
{
    /// <summary>The bytes of a key: the first half of a SHA-256.</summary>
    public const int Length = 16;

    private Dictionary<UInt128, long>? _ids;

    /// <summary>
    /// The key of a message: the first 16 bytes of the SHA-256 of its subscription, situation id, event type and dedupe
    /// key (<see cref="NewDelivery.DedupeKey"/>), separated by line feeds (none of them holds one).
    /// </summary>
    public static byte[] Of(NewDelivery delivery)
    {
        var text = $"{delivery.Subscription}\n{delivery.SituationId}\n{delivery.EventType}\n{delivery.DedupeKey}";
        var rented = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
        try
        {
            return FromText(rented.AsSpan(0, Encoding.UTF8.GetBytes(text, rented)));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// A key as the inbox holds it: 16 bytes; or, for a row that migration 17 moved from the deliveries table (SQLite has
    /// no SHA-256), the separated text the key is the hash of.
    /// </summary>
    public static UInt128 Read(byte[] stored) => ToNumber(stored.Length == Length ? stored : FromText(stored));

    public static UInt128 ToNumber(ReadOnlySpan<byte> key) =>
        new(BinaryPrimitives.ReadUInt64BigEndian(key), BinaryPrimitives.ReadUInt64BigEndian(key[8..]));

    private static byte[] FromText(ReadOnlySpan<byte> text)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(text, hash);
        return hash[..Length].ToArray();
    }

    /// <summary>
    /// After a batch failed as a whole (its commit may yet have reached the file): the next use reads the keys from the
    /// file again. On the writer, after the batch.
    /// </summary>
    public void Forget() => _ids = null;

    /// <summary>The keys and ids, read from the inbox on first use, in the writer's transaction.</summary>
    public async Task<Dictionary<UInt128, long>> LoadAsync(DbConnection connection, DbTransaction transaction)
    {
        if (_ids is { } loaded)
        {
            return loaded;
        }

        var ids = new Dictionary<UInt128, long>();
        await using var command = connection.CreateCommand("SELECT dedupe, id FROM inbox;", transaction);
        await using var reader = await command.ExecuteReaderAsync(CancellationToken.None);
        while (await reader.ReadAsync(CancellationToken.None))
        {
            ids[Read(reader.GetFieldValue<byte[]>(0))] = reader.GetInt64(1);
        }

        return _ids = ids;
    }
}
