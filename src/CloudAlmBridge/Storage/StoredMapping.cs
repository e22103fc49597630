namespace CloudAlmBridge.Storage;

/// <summary>
/// A mapping put over the management API: the document exactly as given, its version (1, 2, … per mapping) and its
/// revision: the number of the write that stored it, counted over all mappings, so it never repeats for a name, even
/// after a delete and a new create (its ETag).
/// </summary>
internal sealed record StoredMapping(string Name, string Document, long Version, long Revision, DateTimeOffset UpdatedAt);
