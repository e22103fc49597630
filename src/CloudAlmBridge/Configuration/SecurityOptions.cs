namespace CloudAlmBridge.Configuration;

public sealed class SecurityOptions
{
    /// <summary>Who may call the bridge, by client name (the Basic user name).</summary>
    public Dictionary<string, ClientOptions> Clients { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Requests one client (or, unauthenticated, one remote address) may make per minute; above it: 429.</summary>
    public int PermitsPerMinute { get; set; } = 1200;
}
