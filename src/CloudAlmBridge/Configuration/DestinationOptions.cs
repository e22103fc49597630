namespace CloudAlmBridge.Configuration;

/// <summary>A target system: base URL and authentication (a BTP destination, in Cloud ALM's terms).</summary>
public sealed class DestinationOptions
{
    public string? Url { get; set; }

    public DestinationAuthenticationOptions Authentication { get; set; } = new();

    /// <summary>
    /// Allows an <c>http</c> URL. Off by default: credentials and incidents must not cross a network in clear; for a
    /// sandbox or a stand-in on the same host only.
    /// </summary>
    public bool AllowInsecureHttp { get; set; }

    /// <summary>
    /// A PEM file of certificate authorities to trust for this destination's server certificate, besides the
    /// system's (a Jira Data Center behind the company's own CA, say).
    /// </summary>
    public string? TrustedCaFile { get; set; }
}
