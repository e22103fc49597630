namespace CloudAlmBridge.Configuration;

/// <summary>A subscription as the management API shows it.</summary>
public sealed record SubscriptionView(string Name, string ResourceType, string Webhook, string Mapping,
    IReadOnlyDictionary<string, string> UserVariables, string? CloudAlmUrl, bool Enabled);

/// <summary>A webhook as the management API shows it.</summary>
public sealed record WebhookView(string Name, string Destination, string Path, string DestinationType, string? ExternalResourceType);

/// <summary>A destination as the management API shows it: every secret is <c>***</c>.</summary>
public sealed record DestinationView(string Name, string Url, bool AllowInsecureHttp, DestinationAuthenticationView Authentication);

public sealed record DestinationAuthenticationView(string Type, string? User, string? Password, string? HeaderName, string? HeaderValue,
    string? TokenUrl, string? ClientId, string? ClientSecret, string? Scope);
