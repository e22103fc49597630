namespace CloudAlmBridge.Configuration;

/// <summary>
/// The key that encrypts the console's Data Protection key ring (session cookies, antiforgery tokens) where it is
/// stored, in the bridge's database: a copy of the database alone cannot open a console session.
/// </summary>
public sealed class KeyRingOptions
{
    public const int MinimumKeyLength = 32;

    /// <summary>
    /// A random string of at least 32 characters (e.g. <c>openssl rand -base64 48</c>), the same on every instance.
    /// Required outside Development; in Development the bridge makes one in a file beside its SQLite database.
    /// </summary>
    public string? Key { get; set; }
}
