using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using CloudAlmBridge.Configuration;

namespace CloudAlmBridge.Delivery.Tls;

/// <summary>
/// The ticket-system client's socket handler: presents a destination's client certificate when its host asks for
/// one, and trusts a destination's own certificate authorities besides the system's.
/// </summary>
/// <remarks>
/// One handler serves every destination, so both callbacks find the destination by host name in the configuration in
/// force; connections are pooled per host, which is why destinations on one host must agree on these settings (the
/// configuration check enforces it). Connections are recycled every few minutes, so a changed certificate is used soon.
/// </remarks>
internal static class DestinationTlsHandler
{
    public static SocketsHttpHandler Create(ActiveConfiguration configuration, TlsRejections rejections) => new()
    {
        // .NET drops only Authorization on a redirect: an API key header or a token request's client secret would
        // follow it to whatever host the Location names. A ticket system's API does not redirect; a 3xx is an error.
        AllowAutoRedirect = false,

        // An integration client sends no cookies back: ServiceNow runs the requests of one session (JSESSIONID,
        // BIGipServerpool…) one after another, and with about ten queued has answered 202 and dropped them.
        UseCookies = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        SslOptions = new SslClientAuthenticationOptions
        {
            LocalCertificateSelectionCallback = (_, targetHost, _, _, _) =>
                configuration.Current.Parts.Get<DestinationTlsByHost>().For(targetHost)?.ClientCertificate!,
            RemoteCertificateValidationCallback = (sender, certificate, chain, errors) =>
            {
                var host = (sender as SslStream)?.TargetHostName;
                var (trusted, status) = IsTrusted(configuration.Current.Parts.Get<DestinationTlsByHost>().For(host), certificate, chain, errors);
                if (!trusted && host is not null)
                {
                    rejections.Record(host, errors, status);
                }

                return trusted;
            },
        },
    };

    private static (bool Trusted, X509ChainStatus[] Status) IsTrusted(DestinationTls? tls, X509Certificate? certificate, X509Chain? chain,
        SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return (true, []);
        }

        // A wrong host name or a missing certificate is never forgiven; only an unknown authority can be, by the
        // destination's own trusted CAs.
        if (errors != SslPolicyErrors.RemoteCertificateChainErrors || tls?.TrustedCas is not { Count: > 0 } authorities || certificate is null)
        {
            return (false, chain?.ChainStatus ?? []);
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(authorities);

        // A company CA rarely publishes a revocation list that a server can reach; documented in docs/security.md.
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (chain is not null)
        {
            foreach (var element in chain.ChainElements)
            {
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        using var presented = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return custom.Build(presented) ? (true, []) : (false, custom.ChainStatus);
    }
}
