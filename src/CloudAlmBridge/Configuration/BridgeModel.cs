using CloudAlmBridge.Mappings;

namespace CloudAlmBridge.Configuration;

/// <summary>One valid configuration, resolved and immutable; swapped whole on reload.</summary>
internal sealed record BridgeModel(
    BridgeOptions Options,
    IReadOnlyDictionary<string, ResolvedSubscription> Subscriptions,
    IReadOnlyDictionary<string, MappingEntry> Mappings)
{
    public ResolvedSubscription? FindSubscription(string name) => Subscriptions.GetValueOrDefault(name);
}
