using CloudAlmBridge.Configuration;
using CloudAlmBridge.Security.Certificates;
using CloudAlmBridge.Security.Tokens;
using Microsoft.Extensions.Options;

namespace CloudAlmBridge.Security;

/// <summary>
/// The bridge's schemes, and which one reads a given call. Every call goes through <see cref="Selector"/>, which
/// forwards by what the caller presented, so a call is checked by exactly one scheme and its failure is that
/// scheme's, not a confusing mix.
/// </summary>
internal static class AuthenticationSchemes
{
    public const string Selector = "Bridge";
    public const string Basic = BasicAuthenticationHandler.SchemeName;
    public const string BridgeToken = "BridgeToken";
    public const string ExternalJwt = "ExternalJwt";
    public const string ClientCertificate = ClientCertificateAuthenticationHandler.SchemeName;

    private const string BearerPrefix = "Bearer ";

    /// <summary>Basic → Basic; a bearer token → ours or, when another issuer is configured and named in it, that issuer's;
    /// nothing but a client certificate → the certificate; nothing at all → Basic, whose challenge names both.</summary>
    public static string Select(HttpContext context)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        if (authorization.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            var security = context.RequestServices.GetRequiredService<IOptions<BridgeOptions>>().Value.Security;
            return security.Jwt.IsEnabled && !TokenIssuer.IsOwn(authorization[BearerPrefix.Length..].Trim(), security.Tokens.Issuer)
                ? ExternalJwt
                : BridgeToken;
        }

        return authorization.Length == 0 && context.Connection.ClientCertificate is not null ? ClientCertificate : Basic;
    }
}
