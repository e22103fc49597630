using CloudAlmBridge.Configuration;

namespace CloudAlmBridge.Security.Tokens;

/// <summary><c>Bridge:Security:Jwt</c>, an external issuer's tokens: its keys fetched over https, and an audience, or any of its tokens would do.</summary>
internal sealed class JwtRules : IConfigurationRule
{
    public void Check(ConfigurationCheck check)
    {
        var jwt = check.Options.Security.Jwt;
        if (!jwt.IsEnabled)
        {
            return;
        }

        var key = $"{ConfigurationCheck.Root}:Security:Jwt";
        foreach (var (name, value) in new[] { ("Authority", jwt.Authority), ("MetadataAddress", jwt.MetadataAddress) })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                continue;
            }

            if (!ConfigurationCheck.IsHttpUrl(value))
            {
                check.Add($"{key}:{name}: '{value}' is not an absolute http(s) URL");
            }
            else if (jwt.RequireHttpsMetadata && value.StartsWith("http:", StringComparison.OrdinalIgnoreCase))
            {
                check.Add($"{key}:{name}: '{value}' is not https; the issuer's keys must not be fetched in clear (RequireHttpsMetadata)");
            }
        }

        if (string.IsNullOrWhiteSpace(jwt.Audience))
        {
            check.Add($"{key}:Audience: required when an issuer is configured: without it, any token of that issuer would do");
        }

        if (string.IsNullOrWhiteSpace(jwt.RolesClaim))
        {
            check.Add($"{key}:RolesClaim: required");
        }

        if (string.IsNullOrWhiteSpace(jwt.NameClaim))
        {
            check.Add($"{key}:NameClaim: required");
        }
    }
}
