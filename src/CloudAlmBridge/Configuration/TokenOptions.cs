namespace CloudAlmBridge.Configuration;

/// <summary>The tokens that <c>POST /oauth/token</c> issues: HMAC-SHA256 signed JWTs, short-lived.</summary>
public sealed class TokenOptions
{
    public const int MinimumKeyLength = 32;

    /// <summary>
    /// The key that signs new tokens, at least 32 characters (e.g. <c>openssl rand -base64 48</c>). Never returned by
    /// the API or logged. Without it, each instance makes a random key at start: its tokens die with it and are not
    /// accepted by other instances (a warning says so).
    /// </summary>
    public string? SigningKey { get; set; }

    /// <summary>
    /// Keys that signed earlier tokens: still accepted, never used to sign. Rotation: move the key here, set a new
    /// <see cref="SigningKey"/>, and remove the old one after one <see cref="Lifetime"/>.
    /// </summary>
    public List<string> PreviousSigningKeys { get; set; } = [];

    /// <summary>How long a token is valid: 15 minutes by default; Cloud ALM's destination fetches a new one when it expires.</summary>
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The <c>iss</c> claim the bridge writes and requires.</summary>
    public string Issuer { get; set; } = "CloudAlmBridge";

    /// <summary>The <c>aud</c> claim the bridge writes and requires.</summary>
    public string Audience { get; set; } = "CloudAlmBridge";
}
