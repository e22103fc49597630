namespace CloudAlmBridge.Configuration;

public sealed class DestinationAuthenticationOptions
{
    public const string Basic = "BasicAuthentication";
    public const string None = "NoAuthentication";
    public const string ClientCertificate = "ClientCertificateAuthentication";
    public const string OAuth2ClientCredentials = "OAuth2ClientCredentials";
    public const string ApiKeyHeader = "ApiKeyHeader";

    public static readonly IReadOnlyList<string> Known = [Basic, None, ClientCertificate, OAuth2ClientCredentials, ApiKeyHeader];

    public string Type { get; set; } = None;

    public string? User { get; set; }

    /// <summary>Never returned by the API or logged.</summary>
    public string? Password { get; set; }

    /// <summary>For <c>OAuth2ClientCredentials</c>: the token endpoint, e.g. <c>https://acme.service-now.com/oauth_token.do</c>.</summary>
    public string? TokenUrl { get; set; }

    /// <summary>For <c>OAuth2ClientCredentials</c>.</summary>
    public string? ClientId { get; set; }

    /// <summary>For <c>OAuth2ClientCredentials</c>. Never returned by the API or logged.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>For <c>OAuth2ClientCredentials</c>: optional scope.</summary>
    public string? Scope { get; set; }

    /// <summary>For <c>ApiKeyHeader</c>: the header's name, e.g. <c>x-sn-apikey</c>.</summary>
    public string? HeaderName { get; set; }

    /// <summary>For <c>ApiKeyHeader</c>: the key. Never returned by the API or logged.</summary>
    public string? HeaderValue { get; set; }

    /// <summary>
    /// For <c>ClientCertificateAuthentication</c>: the certificate itself, as base64 of a PFX/PKCS#12 file or as PEM
    /// text (with its private key, or with <see cref="PrivateKey"/>). Never returned by the API or logged.
    /// </summary>
    public string? Certificate { get; set; }

    /// <summary>For <c>ClientCertificateAuthentication</c>, instead of <see cref="Certificate"/>: a .pfx/.p12 or .pem file.</summary>
    public string? CertificateFile { get; set; }

    /// <summary>For a PEM certificate whose key is apart: the PEM private key. Never returned by the API or logged.</summary>
    public string? PrivateKey { get; set; }

    /// <summary>For a PEM certificate whose key is apart: the key's file.</summary>
    public string? PrivateKeyFile { get; set; }

    /// <summary>The PFX password, or the password of an encrypted PEM key. Never returned by the API or logged.</summary>
    public string? CertificatePassword { get; set; }
}
