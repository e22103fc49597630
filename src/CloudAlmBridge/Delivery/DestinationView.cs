namespace CloudAlmBridge.Delivery;

/// <summary>A destination as the management API shows it: every secret is <c>***</c>.</summary>
public sealed record DestinationView(string Name, string Url, bool AllowInsecureHttp, string? TrustedCaFile,
    DestinationAuthenticationView Authentication);

/// <summary>
/// A destination's authentication: secrets masked; for a client certificate, which one is presented (its public
/// thumbprint and expiry), so an operator can match it with what the ticket system has registered.
/// </summary>
public sealed record DestinationAuthenticationView(string Type, string? User, string? Password, string? HeaderName, string? HeaderValue,
    string? TokenUrl, string? ClientId, string? ClientSecret, string? Scope,
    string? Certificate, string? CertificateFile, string? PrivateKey, string? PrivateKeyFile, string? CertificatePassword,
    string? CertificateThumbprint, DateTimeOffset? CertificateNotAfter);
