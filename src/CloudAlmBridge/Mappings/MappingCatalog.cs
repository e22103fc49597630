using CloudAlmBridge.Configuration;

namespace CloudAlmBridge.Mappings;

/// <summary>Every mapping by name: built-in, from configuration, and put over REST, in that order of precedence.</summary>
internal sealed class MappingCatalog(ActiveConfiguration configuration, StoredMappings stored)
{
    public MappingEntry? Find(string name) => Configured.GetValueOrDefault(name) ?? stored.Find(name);

    public IReadOnlyList<MappingEntry> All()
    {
        var configured = Configured;
        return configured.Values
            .Concat(stored.All.Where(s => !configured.ContainsKey(s.Name)))
            .OrderBy(m => m.Name, StringComparer.OrdinalIgnoreCase)
            .ToList();
    }

    private IReadOnlyDictionary<string, MappingEntry> Configured => configuration.Current.Parts.Get<ConfiguredMappings>().Entries;

    /// <summary>The subscriptions in force that use the mapping.</summary>
    public IReadOnlyList<string> UsedBy(string name) =>
        configuration.Current.Subscriptions.Values
            .Where(s => string.Equals(s.MappingName, name, StringComparison.OrdinalIgnoreCase))
            .Select(s => s.Name)
            .Order(StringComparer.OrdinalIgnoreCase)
            .ToList();
}
