namespace CloudAlmBridge.Storage;

/// <summary>Mappings managed over REST; they survive a restart and are shared by every instance on the database.</summary>
internal interface IMappingStore
{
    /// <summary>Every stored mapping, and the revision they are at (see <see cref="GetRevisionAsync"/>).</summary>
    Task<(long Revision, IReadOnlyList<StoredMapping> Mappings)> LoadAllAsync(CancellationToken cancellationToken);

    /// <summary>The number of the last mapping write on any instance: when it moved, the mappings changed.</summary>
    Task<long> GetRevisionAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Creates or replaces a mapping. With <paramref name="expectedRevision"/>, only when the stored mapping is at that
    /// revision (0: only when there is none); returns null when that condition failed.
    /// </summary>
    Task<StoredMapping?> SaveAsync(string name, string document, long? expectedRevision, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Deletes a mapping, only at <paramref name="expectedRevision"/> when given; false when nothing was deleted.</summary>
    Task<bool> DeleteAsync(string name, long? expectedRevision, CancellationToken cancellationToken);
}
