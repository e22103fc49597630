namespace CloudAlmBridge.Configuration;

public sealed class SecurityOptions
{
    /// <summary>Who may call the bridge, by client name (the Basic user name).</summary>
    public Dictionary<string, ClientOptions> Clients { get; set; } = new(StringComparer.Ordinal);
}
