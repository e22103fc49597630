using CloudAlmBridge.Configuration;
using CloudAlmBridge.Vocabulary;

namespace CloudAlmBridge.KeyRing;

/// <summary>
/// <c>Bridge:Security:KeyRing:Key</c>: long enough to derive a key from; and, outside Development, required at start as
/// soon as someone can sign in to the console (an admin with a secret). Without it the key ring could not be kept in
/// the database encrypted, and a session would not survive a restart or reach another instance.
/// </summary>
internal sealed class KeyRingRules(IHostEnvironment environment) : IConfigurationRule
{
    public void Check(ConfigurationCheck check)
    {
        var security = check.Options.Security;
        var key = $"{ConfigurationCheck.Root}:Security:KeyRing:Key";
        if (security.KeyRing.Key is { } keyRingKey && keyRingKey.Length < KeyRingOptions.MinimumKeyLength)
        {
            check.Add($"{key}: must be at least {KeyRingOptions.MinimumKeyLength} characters (e.g. the output of 'openssl rand -base64 48')");
        }

        var console = security.Clients.Values.Any(client => client.Roles.Contains(Roles.Admin, StringComparer.Ordinal)
            && (!string.IsNullOrEmpty(client.Secret) || !string.IsNullOrEmpty(client.SecretHash)));
        if (check.AtStart && !environment.IsDevelopment() && console && string.IsNullOrEmpty(security.KeyRing.Key))
        {
            check.Add($"{key}: required outside Development when a client with the role admin has a secret (the console can be signed into): a random string of at least "
                + $"{KeyRingOptions.MinimumKeyLength} characters (e.g. 'openssl rand -base64 48'), the same on every instance; it encrypts the console's key ring in the database");
        }
    }
}
