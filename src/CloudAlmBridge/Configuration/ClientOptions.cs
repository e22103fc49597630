namespace CloudAlmBridge.Configuration;

public sealed class ClientOptions
{
    /// <summary>
    /// The client's secret: the Basic password, or the OAuth2 client secret for <c>POST /oauth/token</c>. Never
    /// returned by the API or written to a log.
    /// </summary>
    public string? Secret { get; set; }

    /// <summary>
    /// Instead of <see cref="Secret"/>: its salted hash, <c>pbkdf2-sha256$iterations$salt$hash</c> (base64), so the
    /// configuration holds nothing a reader could log in with. See docs/security.md for the command that makes one.
    /// </summary>
    public string? SecretHash { get; set; }

    /// <summary>
    /// Thumbprints of the client certificates this client presents (Cloud ALM's <c>ClientCertificateAuthentication</c>):
    /// SHA-1 (40 hex digits, as most tools show it) or SHA-256 (64); colons and spaces are ignored.
    /// </summary>
    public List<string> CertificateThumbprints { get; set; } = [];

    /// <summary><c>events</c> (Cloud ALM's calls) and/or <c>admin</c> (the management API).</summary>
    public List<string> Roles { get; set; } = [];
}
