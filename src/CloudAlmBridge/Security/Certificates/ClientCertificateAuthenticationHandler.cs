using System.Text.Encodings.Web;
using CloudAlmBridge.Configuration;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace CloudAlmBridge.Security.Certificates;

/// <summary>
/// A client known by the certificate it presented in the TLS handshake (Cloud ALM's
/// <c>ClientCertificateAuthentication</c>): its thumbprint must be registered for the client, and it must be within its
/// validity dates. Pinning the thumbprint makes the issuer irrelevant, so self-signed and company-CA certificates work
/// alike; Kestrel is told to accept any certificate and leave the decision here.
/// </summary>
internal sealed class ClientCertificateAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    ActiveConfiguration configuration)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "ClientCertificate";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (Context.Connection.ClientCertificate is not { } certificate)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var (sha1, sha256) = Thumbprints.Of(certificate);
        var now = TimeProvider.GetUtcNow();
        if (now < certificate.NotBefore.ToUniversalTime() || now > certificate.NotAfter.ToUniversalTime())
        {
            SecurityLog.CertificateRefused(Logger, sha1, Request.Path, $"outside its validity {certificate.NotBefore:u} to {certificate.NotAfter:u}");
            return Task.FromResult(AccessProblems.Refused(Context, "The client certificate is expired or not yet valid."));
        }

        foreach (var (name, client) in configuration.Current.Options.Security.Clients)
        {
            if (client.CertificateThumbprints.Select(Thumbprints.Normalize).Any(t => t == sha1 || t == sha256))
            {
                var principal = BridgePrincipal.Create(name, client.Roles, SchemeName);
                return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
            }
        }

        SecurityLog.CertificateRefused(Logger, sha1, Request.Path, "its thumbprint is not registered for any client");
        return Task.FromResult(AccessProblems.Refused(Context, "The client certificate is not registered."));
    }
}
