using System.Security.Claims;
using CloudAlmBridge.Configuration;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CloudAlmBridge.Security.Tokens;

/// <summary>Writes the bridge's access tokens: HMAC-SHA256 JWTs naming the client (<c>sub</c>) and its granted roles.</summary>
internal sealed class TokenIssuer(ActiveConfiguration configuration, IOptions<BridgeOptions> startOptions, SigningKeys keys,
    TimeProvider timeProvider)
{
    public const string RolesClaim = "roles";
    public const string ClientClaim = "sub";

    private static readonly JsonWebTokenHandler Handler = new();

    public (string Token, TimeSpan Lifetime) Issue(string clientName, IReadOnlyCollection<string> roles)
    {
        var options = configuration.Current.Options.Security.Tokens;

        // Issuer and audience as validation reads them, from the start: a reload that changed them would otherwise
        // make the bridge refuse its own tokens until a restart. Lifetime and keys follow the configuration in force.
        var validated = startOptions.Value.Security.Tokens;
        var now = timeProvider.GetUtcNow().UtcDateTime;
        var claims = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            [ClientClaim] = clientName,
            [RolesClaim] = roles.ToArray(),
            [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString("N"),
        };
        var token = Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = validated.Issuer,
            Audience = validated.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + options.Lifetime,
            Claims = claims,
            SigningCredentials = new SigningCredentials(keys.Signing, SecurityAlgorithms.HmacSha256),
        });
        return (token, options.Lifetime);
    }

    /// <summary>Whether a bearer token claims to be one of ours (unvalidated: it only picks the scheme that validates it).</summary>
    public static bool IsOwn(string token, string issuer)
    {
        if (!Handler.CanReadToken(token))
        {
            return true;
        }

        try
        {
            return string.Equals(Handler.ReadJsonWebToken(token).Issuer, issuer, StringComparison.Ordinal);
        }
        catch (ArgumentException)
        {
            return true;
        }
    }

    /// <summary>
    /// The caller as the configuration in force sees it: a client removed since the token was issued is refused, and
    /// roles taken away are gone at once, without waiting for the token to expire.
    /// </summary>
    public static ClaimsPrincipal? Confirm(ClaimsPrincipal token, BridgeModel model, string scheme)
    {
        var clientName = token.FindFirst(ClientClaim)?.Value;
        if (clientName is null || !model.Options.Security.Clients.TryGetValue(clientName, out var client))
        {
            return null;
        }

        var granted = token.FindAll(RolesClaim).Select(c => c.Value).Intersect(client.Roles, StringComparer.Ordinal);
        return BridgePrincipal.Create(clientName, granted, scheme);
    }
}
