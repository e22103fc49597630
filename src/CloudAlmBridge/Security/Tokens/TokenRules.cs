using CloudAlmBridge.Configuration;

namespace CloudAlmBridge.Security.Tokens;

/// <summary><c>Bridge:Security:Tokens</c>, the bridge's own tokens: keys long enough to sign with, a short lifetime, who issues them for whom.</summary>
internal sealed class TokenRules : IConfigurationRule
{
    public void Check(ConfigurationCheck check)
    {
        var tokens = check.Options.Security.Tokens;
        var key = $"{ConfigurationCheck.Root}:Security:Tokens";
        if (tokens.SigningKey is { } signingKey && signingKey.Length < TokenOptions.MinimumKeyLength)
        {
            check.Add($"{key}:SigningKey: must be at least {TokenOptions.MinimumKeyLength} characters (e.g. the output of 'openssl rand -base64 48')");
        }

        for (var i = 0; i < tokens.PreviousSigningKeys.Count; i++)
        {
            if (tokens.PreviousSigningKeys[i].Length < TokenOptions.MinimumKeyLength)
            {
                check.Add($"{key}:PreviousSigningKeys:{i}: must be at least {TokenOptions.MinimumKeyLength} characters");
            }
        }

        if (tokens.Lifetime < TimeSpan.FromSeconds(1) || tokens.Lifetime > TimeSpan.FromDays(1))
        {
            check.Add($"{key}:Lifetime: must be between 00:00:01 and 1.00:00:00 (is {tokens.Lifetime}); keep it short, 15 minutes is the default");
        }

        if (string.IsNullOrWhiteSpace(tokens.Issuer))
        {
            check.Add($"{key}:Issuer: required");
        }

        if (string.IsNullOrWhiteSpace(tokens.Audience))
        {
            check.Add($"{key}:Audience: required");
        }
    }
}
