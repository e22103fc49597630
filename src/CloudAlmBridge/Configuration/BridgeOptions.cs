namespace CloudAlmBridge.Configuration;

/// <summary>The <c>Bridge</c> configuration section (docs/api.md §1). Names are the dictionary keys.</summary>
public sealed class BridgeOptions
{
    public const string SectionName = "Bridge";

    /// <summary>
    /// The bridge's address as its callers reach it (behind a proxy): the <c>Location</c> of a <c>201</c> or <c>202</c>
    /// is absolute under it, and the Development start line shows Swagger UI there. Optional: links are relative without it.
    /// </summary>
    public string? PublicBaseUrl { get; set; }

    public StorageOptions Storage { get; set; } = new();

    public SecurityOptions Security { get; set; } = new();

    public InboundOptions Inbound { get; set; } = new();

    public DeliveryOptions Delivery { get; set; } = new();

    public LifecycleOptions Lifecycle { get; set; } = new();

    public TelemetryOptions Telemetry { get; set; } = new();

    public Dictionary<string, DestinationOptions> Destinations { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public Dictionary<string, WebhookOptions> Webhooks { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public Dictionary<string, MappingSourceOptions> Mappings { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public Dictionary<string, SubscriptionOptions> Subscriptions { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Planned downtimes: what they cover is held back, unsent, until each ends.</summary>
    public Dictionary<string, MaintenanceWindowOptions> Maintenance { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}
