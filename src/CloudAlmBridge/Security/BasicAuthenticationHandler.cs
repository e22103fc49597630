using System.Net.Http.Headers;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using CloudAlmBridge.Configuration;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace CloudAlmBridge.Security;

/// <summary>
/// Basic authentication against <c>Bridge:Security:Clients</c>: what a Cloud ALM <c>BasicAuthentication</c>
/// destination sends. Secrets are compared in constant time; a failure is logged without the secret.
/// </summary>
internal sealed class BasicAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    ActiveConfiguration configuration,
    VerifiedSecrets verifiedSecrets)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "Basic";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!AuthenticationHeaderValue.TryParse(Request.Headers.Authorization, out var header)
            || !string.Equals(header.Scheme, SchemeName, StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (!TryDecode(header.Parameter, out var clientName, out var secret))
        {
            SecurityLog.MalformedCredentials(Logger, Request.Path);
            return Task.FromResult(AuthenticateResult.Fail("Malformed Basic credentials."));
        }

        var clients = configuration.Current.Options.Security.Clients;
        if (!clients.TryGetValue(clientName, out var client) || !SecretMatches(clientName, client, secret))
        {
            SecurityLog.AuthenticationFailed(Logger, clientName, Request.Path);
            return Task.FromResult(AuthenticateResult.Fail("Unknown client or wrong secret."));
        }

        var claims = new List<Claim> { new(ClaimTypes.Name, clientName) };
        claims.AddRange(client.Roles.Select(role => new Claim(ClaimTypes.Role, role)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        // The body stays empty: the status code pages middleware turns the 401 into problem+json.
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Basic realm=\"CloudAlmBridge\", charset=\"UTF-8\"";
        return Task.CompletedTask;
    }

    private static bool TryDecode(string? parameter, out string clientName, out string secret)
    {
        clientName = secret = string.Empty;
        if (string.IsNullOrEmpty(parameter))
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[parameter.Length];
        if (!Convert.TryFromBase64String(parameter, bytes, out var length))
        {
            return false;
        }

        var text = Encoding.UTF8.GetString(bytes[..length]);
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return false;
        }

        clientName = text[..colon];
        secret = text[(colon + 1)..];
        return true;
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
            return false;
        }

        // Hashing first makes the comparison constant-time in the length too.
        var expectedHash = SHA256.HashData(Encoding.UTF8.GetBytes(expected));
        var givenHash = SHA256.HashData(Encoding.UTF8.GetBytes(given));
        return CryptographicOperations.FixedTimeEquals(expectedHash, givenHash);
    }
}
