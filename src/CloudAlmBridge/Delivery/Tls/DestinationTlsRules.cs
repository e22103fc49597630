using System.Security.Cryptography.X509Certificates;
using CloudAlmBridge.Configuration;

namespace CloudAlmBridge.Delivery.Tls;

/// <summary>
/// The destinations' certificates: each client certificate and trusted CA file is read once per build and put in force
/// with the configuration (<see cref="DestinationTlsByHost"/>). One connection pool per host: a second destination on
/// the same host would present the first one's certificate, so only one destination per host may have TLS settings.
/// </summary>
internal sealed class DestinationTlsRules : IConfigurationRule
{
    public void Check(ConfigurationCheck check)
    {
        var hosts = new Dictionary<string, (string Destination, DestinationTls? Tls)>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, destination) in check.Options.Destinations)
        {
            Load(check, name, destination, hosts);
        }

        check.Provide(new DestinationTlsByHost(hosts.Where(h => h.Value.Tls is not null)
            .ToDictionary(h => h.Key, h => h.Value.Tls!, StringComparer.OrdinalIgnoreCase)));
    }

    private static void Load(ConfigurationCheck check, string name, DestinationOptions destination, Dictionary<string, (string Destination, DestinationTls? Tls)> hosts)
    {
        var key = $"{ConfigurationCheck.Root}:Destinations:{name}";
        X509Certificate2? certificate = null;
        if (string.Equals(destination.Authentication.Type, DestinationAuthenticationOptions.ClientCertificate, StringComparison.OrdinalIgnoreCase))
        {
            certificate = CertificateLoader.LoadClientCertificate(destination.Authentication, check.ContentRoot, out var error);
            if (error is not null)
            {
                check.Add($"{key}:Authentication:{error}");
            }
        }

        X509Certificate2Collection? authorities = null;
        if (!string.IsNullOrWhiteSpace(destination.TrustedCaFile))
        {
            authorities = CertificateLoader.LoadAuthorities(destination.TrustedCaFile, check.ContentRoot, out var error);
            if (error is not null)
            {
                check.Add($"{key}:{error}");
            }
        }

        if (!Uri.TryCreate(destination.Url, UriKind.Absolute, out var url))
        {
            return;
        }

        var tls = certificate is null && authorities is null ? null : new DestinationTls(name, certificate, authorities);
        var host = url.IdnHost;
        if (!hosts.TryAdd(host, (name, tls)) && (tls is not null || hosts[host].Tls is not null))
        {
            check.Add($"{key}:Url: shares the host '{host}' with destination '{hosts[host].Destination}'; destinations on one host share TLS connections, so only one of them may have a client certificate or TrustedCaFile");
        }
    }
}
