namespace CloudAlmBridge.Configuration;

/// <summary>A subscription as the management API shows it.</summary>
public sealed record SubscriptionView(string Name, string ResourceType, string Webhook, string Mapping,
    IReadOnlyDictionary<string, string> UserVariables, string? CloudAlmUrl, bool Enabled);

/// <summary>A webhook as the management API shows it.</summary>
public sealed record WebhookView(string Name, string Destination, string Path, string DestinationType, string? ExternalResourceType);
