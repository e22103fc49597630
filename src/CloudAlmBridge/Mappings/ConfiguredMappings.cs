namespace CloudAlmBridge.Mappings;

/// <summary>
/// The mappings of the configuration in force: the built-in ones and those read from <c>Bridge:Mappings</c> files,
/// compiled once per build (a part of the model, replaced with it; the ones put over REST are <see cref="StoredMappings"/>).
/// </summary>
internal sealed class ConfiguredMappings(IReadOnlyDictionary<string, MappingEntry> entries)
{
    public IReadOnlyDictionary<string, MappingEntry> Entries { get; } = entries;
}
