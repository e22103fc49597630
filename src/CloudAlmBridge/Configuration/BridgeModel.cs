namespace CloudAlmBridge.Configuration;

/// <summary>One valid configuration, resolved and immutable; swapped whole on reload.</summary>
/// <param name="Options">The options as bound.</param>
/// <param name="Subscriptions">Each subscription with its webhook, destination and mapping resolved.</param>
/// <param name="Parts">What the features' rules built from it (compiled mapping files, loaded certificates).</param>
internal sealed record BridgeModel(
    BridgeOptions Options,
    IReadOnlyDictionary<string, ResolvedSubscription> Subscriptions,
    ConfigurationParts Parts)
{
    public ResolvedSubscription? FindSubscription(string name) => Subscriptions.GetValueOrDefault(name);
}
