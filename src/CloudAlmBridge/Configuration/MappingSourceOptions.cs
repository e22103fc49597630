namespace CloudAlmBridge.Configuration;

/// <summary>A mapping document kept in a file; a relative path is resolved against the content root.</summary>
public sealed class MappingSourceOptions
{
    public string? File { get; set; }
}
