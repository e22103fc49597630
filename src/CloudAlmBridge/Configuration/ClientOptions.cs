namespace CloudAlmBridge.Configuration;

public sealed class ClientOptions
{
    /// <summary>The client's secret (Basic password). Never returned by the API or written to a log.</summary>
    public string? Secret { get; set; }

    /// <summary>
    /// Instead of <see cref="Secret"/>: its salted hash, <c>pbkdf2-sha256$iterations$salt$hash</c> (base64), so the
    /// configuration holds nothing a reader could log in with. See docs/security.md for the command that makes one.
    /// </summary>
    public string? SecretHash { get; set; }

    /// <summary><c>events</c> (Cloud ALM's calls) and/or <c>admin</c> (the management API).</summary>
    public List<string> Roles { get; set; } = [];
}
