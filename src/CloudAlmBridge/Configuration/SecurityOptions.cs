namespace CloudAlmBridge.Configuration;

public sealed class SecurityOptions
{
    /// <summary>Who may call the bridge, by client name (the Basic user name).</summary>
    public Dictionary<string, ClientOptions> Clients { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Lets calls without any credentials post events (role <c>events</c> only). For a bridge reachable only from a
    /// trusted network; a warning is logged at every start.
    /// </summary>
    public bool AllowAnonymousEvents { get; set; }

    /// <summary>Requests one client (or, unauthenticated, one remote address) may make per minute; above it: 429.</summary>
    public int PermitsPerMinute { get; set; } = 1200;
}
