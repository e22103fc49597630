using System.Net.Http.Headers;
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
    ClientCredentials credentials,
    VerifiedBasicPrincipals verified,
    ActiveConfiguration configuration)
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

        if (header.Parameter is { } known && verified.Find(known) is { } principalOfKnown)
        {
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principalOfKnown, SchemeName)));
        }

        // The configuration the check runs under: what a remembered principal is valid for.
        var model = configuration.Current;
        if (!TryDecode(header.Parameter, out var clientName, out var secret))
        {
            SecurityLog.MalformedCredentials(Logger, Request.Path);
            return Task.FromResult(AccessProblems.Refused(Context, "Malformed Basic credentials."));
        }

        if (credentials.Verify(clientName, secret) is not { } client)
        {
            SecurityLog.AuthenticationFailed(Logger, clientName, Request.Path, Context.Connection.RemoteIpAddress?.ToString());
            return Task.FromResult(AccessProblems.Refused(Context, "Unknown client or wrong secret."));
        }

        var principal = BridgePrincipal.Create(clientName, client.Roles, SchemeName);
        verified.Remember(header.Parameter!, model, principal);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        // The body stays empty: the status code pages middleware turns the 401 into problem+json.
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = new(["Basic realm=\"CloudAlmBridge\", charset=\"UTF-8\"", "Bearer"]);
        return Task.CompletedTask;
    }

    /// <summary>Splits <c>base64(name:secret)</c>; shared with the token endpoint's <c>client_secret_basic</c>.</summary>
    public static bool TryDecode(string? parameter, out string clientName, out string secret)
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
}
