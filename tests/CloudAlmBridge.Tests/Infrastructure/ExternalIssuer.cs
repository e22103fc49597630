using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace CloudAlmBridge.Tests.Infrastructure;

/// <summary>
/// A company identity service on a real HTTP server: OpenID metadata and a JWKS with its RSA key, and tokens it signs
/// (and, for the negative cases, tokens signed by a key it never published).
/// </summary>
public sealed class ExternalIssuer : IDisposable
{
    public const string Audience = "cloud-alm-bridge";

    private readonly RSA _key = RSA.Create(2048);
    private readonly RSA _unpublished = RSA.Create(2048);

    public ExternalIssuer()
    {
        Server = WireMockServer.Start();
        var parameters = _key.ExportParameters(false);
        Server.Given(Request.Create().WithPath("/.well-known/openid-configuration").UsingGet())
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/json")
                .WithBodyAsJson(new { issuer = Issuer, jwks_uri = $"{Server.Url}/keys", token_endpoint = $"{Server.Url}/token" }));
        Server.Given(Request.Create().WithPath("/keys").UsingGet())
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/json")
                .WithBodyAsJson(new
                {
                    keys = new[]
                    {
                        new
                        {
                            kty = "RSA", use = "sig", alg = "RS256", kid = "company-key-1",
                            n = Base64UrlEncoder.Encode(parameters.Modulus), e = Base64UrlEncoder.Encode(parameters.Exponent),
                        },
                    },
                }));
    }

    public WireMockServer Server { get; }

    public string Issuer => $"{Server.Url}/";

    public string MetadataAddress => $"{Server.Url}/.well-known/openid-configuration";

    /// <summary>Settings for <c>Bridge:Security:Jwt</c> pointing at this issuer.</summary>
    public void Configure(IDictionary<string, string?> settings)
    {
        settings["Bridge:Security:Jwt:MetadataAddress"] = MetadataAddress;
        settings["Bridge:Security:Jwt:Audience"] = Audience;
        settings["Bridge:Security:Jwt:RequireHttpsMetadata"] = "false";
        settings["Bridge:Security:Jwt:NameClaim"] = "client_id";
        settings["Bridge:Security:Jwt:ScopePrefix"] = "cloud-alm-bridge!t42";
    }

    /// <summary>A token as the issuer would sign it; <paramref name="roles"/> as a JSON array, <paramref name="scope"/> as a string.</summary>
    public string Token(string[]? roles = null, string? scope = null, string audience = Audience, TimeSpan? expiresIn = null, bool signedByUnknownKey = false)
    {
        var now = DateTime.UtcNow;
        var expires = now + (expiresIn ?? TimeSpan.FromMinutes(10));
        var claims = new Dictionary<string, object> { ["client_id"] = "company-btp-destination" };
        if (roles is not null)
        {
            claims["roles"] = roles;
        }

        if (scope is not null)
        {
            claims["roles"] = scope;
        }

        var key = new RsaSecurityKey(signedByUnknownKey ? _unpublished : _key) { KeyId = "company-key-1" };
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = audience,
            IssuedAt = expires < now ? expires.AddMinutes(-10) : now,
            NotBefore = expires < now ? expires.AddMinutes(-10) : now,
            Expires = expires,
            Claims = claims,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
        });
    }

    public void Dispose()
    {
        Server.Stop();
        Server.Dispose();
        _key.Dispose();
        _unpublished.Dispose();
    }
}
