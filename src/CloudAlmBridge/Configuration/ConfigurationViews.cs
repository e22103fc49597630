namespace CloudAlmBridge.Configuration;

/// <summary>
/// The configuration in force as the management API (docs/api.md §4) and the console's Destinations page show it:
/// built here once, so the page never calls a route handler (the destinations, with their certificates and masked
/// secrets: <see cref="Delivery.DestinationEndpoints.All"/>).
/// </summary>
internal static class ConfigurationViews
{
    public static SubscriptionView[] Subscriptions(BridgeModel model) =>
        model.Options.Subscriptions
            .OrderBy(s => s.Key, StringComparer.OrdinalIgnoreCase)
            .Select(s => new SubscriptionView(
                s.Key,
                s.Value.ResourceType,
                s.Value.Webhook ?? string.Empty,
                model.FindSubscription(s.Key)?.MappingName ?? s.Value.Mapping ?? string.Empty,
                s.Value.UserVariables,
                s.Value.CloudAlmUrl,
                s.Value.Enabled))
            .ToArray();

    public static WebhookView[] Webhooks(BridgeModel model) =>
        model.Options.Webhooks
            .OrderBy(w => w.Key, StringComparer.OrdinalIgnoreCase)
            .Select(w => new WebhookView(w.Key, w.Value.Destination ?? string.Empty, w.Value.Path, w.Value.DestinationType.ToUpperInvariant(),
                w.Value.ExternalResourceType))
            .ToArray();
}

/// <summary>A subscription as the management API shows it.</summary>
public sealed record SubscriptionView(string Name, string ResourceType, string Webhook, string Mapping,
    IReadOnlyDictionary<string, string> UserVariables, string? CloudAlmUrl, bool Enabled);

/// <summary>A webhook as the management API shows it.</summary>
public sealed record WebhookView(string Name, string Destination, string Path, string DestinationType, string? ExternalResourceType);
