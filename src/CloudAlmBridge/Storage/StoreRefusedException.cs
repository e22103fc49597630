namespace CloudAlmBridge.Storage;

/// <summary>
/// An event the bridge would not or could not store in time: too many calls already wait for the storage
/// (<c>Bridge:Inbound:MaxConcurrentStores</c>), or the store took longer than <c>Bridge:Inbound:StoreTimeout</c>.
/// Answered 503 with <c>Retry-After</c>, like a storage that is away.
/// </summary>
internal sealed class StoreRefusedException(string message, bool mayBeStored) : Exception(message)
{
    /// <summary>The store was under way when it was given up: it may still commit, and a resend is then a duplicate.</summary>
    public bool MayBeStored { get; } = mayBeStored;
}
