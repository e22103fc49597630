namespace CloudAlmBridge.Configuration;

public sealed class SecurityOptions
{
    /// <summary>Who may call the bridge, by client name (the Basic user name, the OAuth2 client id).</summary>
    public Dictionary<string, ClientOptions> Clients { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Lets calls without any credentials post events (role <c>events</c> only). For a bridge reachable only from a
    /// trusted network; a warning is logged at every start.
    /// </summary>
    public bool AllowAnonymousEvents { get; set; }

    /// <summary>
    /// Requests one client (or, unauthenticated, one remote address) may make per minute; above it: 429. Callers that
    /// failed to authenticate count here, by address.
    /// </summary>
    public int PermitsPerMinute { get; set; } = 1200;

    /// <summary>
    /// The same for a client with the <c>events</c> role (Cloud ALM): sized for an event storm, when a landscape going
    /// down raises hundreds of situations at once and Cloud ALM's resend after a 429 is not documented.
    /// </summary>
    public int EventPermitsPerMinute { get; set; } = 600_000;

    /// <summary>
    /// How long an operator console session lasts without use (sliding; at most this long idle). Short by design: the
    /// console can replay deliveries and change mappings.
    /// </summary>
    public TimeSpan ConsoleSessionLifetime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How the console's key ring is encrypted in the database.</summary>
    public KeyRingOptions KeyRing { get; set; } = new();

    /// <summary>The bridge's own token endpoint, <c>POST /oauth/token</c> (Cloud ALM's <c>OAuth2ClientCredentials</c>).</summary>
    public TokenOptions Tokens { get; set; } = new();

    /// <summary>Bearer tokens from an external issuer (the company's identity service). Off unless an authority is given.</summary>
    public JwtOptions Jwt { get; set; } = new();
}
