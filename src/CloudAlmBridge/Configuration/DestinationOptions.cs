namespace CloudAlmBridge.Configuration;

/// <summary>A target system: base URL and authentication (a BTP destination, in Cloud ALM's terms).</summary>
public sealed class DestinationOptions
{
    public string? Url { get; set; }

    public DestinationAuthenticationOptions Authentication { get; set; } = new();
}
