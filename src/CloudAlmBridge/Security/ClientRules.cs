using CloudAlmBridge.Configuration;
using CloudAlmBridge.Security.Certificates;
using CloudAlmBridge.Vocabulary;

namespace CloudAlmBridge.Security;

/// <summary>
/// <c>Bridge:Security:Clients</c> and the callers' limits: each client can authenticate (one secret, a hash the bridge
/// reads, or certificates), has known roles, and a certificate identifies one client only.
/// </summary>
internal sealed class ClientRules : IConfigurationRule
{
    public void Check(ConfigurationCheck check)
    {
        var security = check.Options.Security;
        var root = $"{ConfigurationCheck.Root}:Security";
        if (security.PermitsPerMinute < 1)
        {
            check.Add($"{root}:PermitsPerMinute: must be at least 1 (is {security.PermitsPerMinute})");
        }

        if (security.EventPermitsPerMinute < 1)
        {
            check.Add($"{root}:EventPermitsPerMinute: must be at least 1 (is {security.EventPermitsPerMinute})");
        }

        var thumbprintOwners = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, client) in security.Clients)
        {
            var key = $"{root}:Clients:{name}";
            if (!string.IsNullOrEmpty(client.Secret) && !string.IsNullOrEmpty(client.SecretHash))
            {
                check.Add($"{key}:Secret: give at most one of Secret and SecretHash");
            }
            else if (string.IsNullOrEmpty(client.Secret) && string.IsNullOrEmpty(client.SecretHash) && client.CertificateThumbprints.Count == 0)
            {
                check.Add($"{key}:Secret: give one of Secret, SecretHash or CertificateThumbprints; this client could not authenticate");
            }
            else if (client.SecretHash is { Length: > 0 } hash && !SecretHash.TryParse(hash, out _))
            {
                check.Add($"{key}:SecretHash: not of the form pbkdf2-sha256$iterations$salt$hash (iterations at least {SecretHash.MinimumIterations}, salt and hash in base64)");
            }

            if (client.Roles.Count == 0)
            {
                check.Add($"{key}:Roles: give at least one of '{Roles.Events}', '{Roles.Admin}'");
            }

            foreach (var role in client.Roles.Where(r => !Roles.All.Contains(r)))
            {
                check.Add($"{key}:Roles: unknown role '{role}'; the roles are '{Roles.Events}' and '{Roles.Admin}'");
            }

            for (var i = 0; i < client.CertificateThumbprints.Count; i++)
            {
                var thumbprint = Thumbprints.Normalize(client.CertificateThumbprints[i]);
                if (thumbprint is null)
                {
                    check.Add($"{key}:CertificateThumbprints:{i}: '{client.CertificateThumbprints[i]}' is not a SHA-1 (40 hex digits) or SHA-256 (64 hex digits) thumbprint");
                }
                else if (!thumbprintOwners.TryAdd(thumbprint, name) && thumbprintOwners[thumbprint] != name)
                {
                    check.Add($"{key}:CertificateThumbprints:{i}: already registered for client '{thumbprintOwners[thumbprint]}'; a certificate identifies one client");
                }
            }
        }
    }
}
