using System.Security.Cryptography;
using System.Text;
using CloudAlmBridge.Configuration;

namespace CloudAlmBridge.Security;

/// <summary>
/// Checks a client name and secret against <c>Bridge:Security:Clients</c>, for Basic authentication and for the token
/// endpoint alike: constant-time, and cheap for a hashed secret verified a moment ago.
/// </summary>
internal sealed class ClientCredentials(ActiveConfiguration configuration, VerifiedSecrets verifiedSecrets)
{
    public ClientOptions? Verify(string clientName, string secret)
    {
        var clients = configuration.Current.Options.Security.Clients;
        // Client names are identifiers, not secrets (they travel in clear inside the Basic header's encoding, and logs
        // name them): an unknown name is refused at once, and only the secret is compared in constant time.
        return clients.TryGetValue(clientName, out var client) && SecretMatches(clientName, client, secret) ? client : null;
    }

    private bool SecretMatches(string clientName, ClientOptions client, string given)
    {
        if (client.SecretHash is { Length: > 0 } text && SecretHash.TryParse(text, out var hash))
        {
            // PBKDF2 costs tens of milliseconds by design: a verified secret is remembered for a few minutes, keyed
            // by a hash of the credentials (never the secret itself), so Cloud ALM's steady calls do not pay it each time.
            return verifiedSecrets.IsVerified(clientName, text, given) || (hash!.Matches(given) && verifiedSecrets.Remember(clientName, text, given));
        }

        var expected = client.Secret;
        if (string.IsNullOrEmpty(expected))
        {
            // A client known only by its certificate has no secret to guess.
            return false;
        }

        // Hashing first makes the comparison constant-time in the length too.
        var expectedHash = SHA256.HashData(Encoding.UTF8.GetBytes(expected));
        var givenHash = SHA256.HashData(Encoding.UTF8.GetBytes(given));
        return CryptographicOperations.FixedTimeEquals(expectedHash, givenHash);
    }
}
