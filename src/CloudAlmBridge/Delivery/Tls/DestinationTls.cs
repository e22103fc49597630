using System.Security.Cryptography.X509Certificates;

namespace CloudAlmBridge.Delivery.Tls;

/// <summary>What a destination's host needs of TLS beyond the system defaults.</summary>
/// <param name="Destination">The destination these settings came from (for messages).</param>
/// <param name="ClientCertificate">Presented when the host asks for one (<c>ClientCertificateAuthentication</c>).</param>
/// <param name="TrustedCas">Authorities trusted for the host's server certificate, besides the system's.</param>
internal sealed record DestinationTls(string Destination, X509Certificate2? ClientCertificate, X509Certificate2Collection? TrustedCas);
