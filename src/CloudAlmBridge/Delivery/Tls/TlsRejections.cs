using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace CloudAlmBridge.Delivery.Tls;

/// <summary>
/// Why the last TLS handshake with a host was refused, in words. The socket handler's validation callback is the only
/// place that sees the chain's status; the exception that reaches the client only says the callback refused, so the
/// callback leaves its reason here for <see cref="TicketSystemClient"/> to put into the delivery's error.
/// </summary>
internal sealed class TlsRejections
{
    private readonly ConcurrentDictionary<string, string> _reasons = new(StringComparer.OrdinalIgnoreCase);

    public void Record(string host, SslPolicyErrors errors, X509ChainStatus[] chainStatus)
    {
        var reasons = new List<string>();
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            reasons.Add("RemoteCertificateNotAvailable");
        }

        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            reasons.Add("RemoteCertificateNameMismatch");
        }

        reasons.AddRange(chainStatus.Where(s => s.Status != X509ChainStatusFlags.NoError).Select(s => s.Status.ToString()).Distinct());
        if (reasons.Count == 0)
        {
            reasons.Add(errors.ToString());
        }

        _reasons[host] = string.Join(", ", reasons);
    }

    /// <summary>
    /// Whether the validation callback refused <paramref name="host"/>'s certificate since its reason was last taken:
    /// a handshake that failed otherwise (a connection cut mid-handshake, a protocol mismatch) is an ordinary failure.
    /// </summary>
    public bool WasRefused(string host) => _reasons.ContainsKey(host);

    /// <summary>Takes the reason recorded for <paramref name="host"/>, e.g. <c>UntrustedRoot</c>; null when none was.</summary>
    public string? Take(string host) => _reasons.TryRemove(host, out var reason) ? reason : null;
}
