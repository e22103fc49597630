namespace CloudAlmBridge.Storage;

/// <summary>A mapping put over the management API: the document exactly as given, and its version.</summary>
internal sealed record StoredMapping(string Name, string Document, long Version, DateTimeOffset UpdatedAt);
