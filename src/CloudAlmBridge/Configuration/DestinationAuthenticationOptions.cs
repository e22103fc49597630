namespace CloudAlmBridge.Configuration;

public sealed class DestinationAuthenticationOptions
{
    public const string Basic = "BasicAuthentication";
    public const string None = "NoAuthentication";
    public const string ClientCertificate = "ClientCertificateAuthentication";
    public const string OAuth2ClientCredentials = "OAuth2ClientCredentials";
    public const string ApiKeyHeader = "ApiKeyHeader";

    /// <summary>Supported now; the others of contract §1 are recognised and refused with a clear error.</summary>
    public static readonly IReadOnlyList<string> Supported = [Basic, None, ApiKeyHeader, OAuth2ClientCredentials];

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
}
