namespace CloudAlmBridge.Configuration;

/// <summary>A subscription with every reference resolved: what an event needs, and nothing to look up at run time.</summary>
/// <remarks>The mapping is kept by name: a mapping put over REST may change while the subscription stays.</remarks>
internal sealed record ResolvedSubscription(string Name, SubscriptionOptions Options, ResolvedWebhook Webhook, string MappingName)
{
    /// <summary>
    /// <c>EVENT-SITUATION</c> also matches <c>EVENT-SITUATIONS</c>: Cloud ALM's messages use the plural, its UI the
    /// singular (docs/api.md §1).
    /// </summary>
    public bool Handles(string resourceType) =>
        string.Equals(resourceType, Options.ResourceType, StringComparison.OrdinalIgnoreCase)
        || string.Equals(resourceType, Options.ResourceType + "S", StringComparison.OrdinalIgnoreCase)
        || string.Equals(resourceType + "S", Options.ResourceType, StringComparison.OrdinalIgnoreCase);
}
