namespace CloudAlmBridge.Mappings;

/// <summary>A mapping in the list: where it comes from and which version is in force.</summary>
public sealed record MappingSummary(string Name, string Origin, long Version, DateTimeOffset? UpdatedAt, string? Title, string ETag);
