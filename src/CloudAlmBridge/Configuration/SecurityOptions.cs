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

    /// <summary>Requests one client (or, unauthenticated, one remote address) may make per minute; above it: 429.</summary>
    public int PermitsPerMinute { get; set; } = 1200;

    /// <summary>The bridge's own token endpoint, <c>POST /oauth/token</c> (Cloud ALM's <c>OAuth2ClientCredentials</c>).</summary>
    public TokenOptions Tokens { get; set; } = new();

    /// <summary>Bearer tokens from an external issuer (the company's identity service). Off unless an authority is given.</summary>
    public JwtOptions Jwt { get; set; } = new();
}
