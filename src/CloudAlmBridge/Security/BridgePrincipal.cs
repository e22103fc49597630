using System.Security.Claims;
using CloudAlmBridge.Vocabulary;

namespace CloudAlmBridge.Security;

/// <summary>The one shape of an authenticated caller, whatever the scheme: a client name and the bridge's roles.</summary>
internal static class BridgePrincipal
{
    public static ClaimsPrincipal Create(string clientName, IEnumerable<string> roles, string scheme)
    {
        var claims = new List<Claim> { new(ClaimTypes.Name, clientName) };
        claims.AddRange(roles.Where(Roles.All.Contains).Distinct(StringComparer.Ordinal).Select(role => new Claim(ClaimTypes.Role, role)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme, ClaimTypes.Name, ClaimTypes.Role));
    }
}
