namespace CloudAlmBridge.Storage;

/// <summary>Mappings managed over REST; they survive a restart.</summary>
internal interface IMappingStore
{
    Task<IReadOnlyList<StoredMapping>> LoadAllAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Creates or replaces a mapping. With <paramref name="expectedVersion"/>, only when the stored version is that one
    /// (0: only when there is none); returns null when that condition failed.
    /// </summary>
    Task<StoredMapping?> SaveAsync(string name, string document, long? expectedVersion, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Deletes a mapping, only at <paramref name="expectedVersion"/> when given; false when nothing was deleted.</summary>
    Task<bool> DeleteAsync(string name, long? expectedVersion, CancellationToken cancellationToken);
}
