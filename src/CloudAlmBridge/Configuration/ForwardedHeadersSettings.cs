namespace CloudAlmBridge.Configuration;

/// <summary>
/// The proxies in front of the bridge (an ingress, a load balancer that terminates TLS) whose <c>X-Forwarded-For</c>,
/// <c>X-Forwarded-Proto</c> and <c>X-Forwarded-Host</c> the bridge believes. Off while both lists are empty: then
/// those headers are ignored, as anyone could send them.
/// </summary>
public sealed class ForwardedHeadersSettings
{
    /// <summary>Addresses of the proxies, one per item (e.g. <c>10.0.0.7</c>).</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Networks the proxies are in, in CIDR notation (e.g. <c>10.0.0.0/8</c>, a cluster's pod network).</summary>
    public List<string> KnownNetworks { get; set; } = [];

    /// <summary>How many proxies in a row are believed, from the bridge outwards (1: the one in front).</summary>
    public int ForwardLimit { get; set; } = 1;

    /// <summary>Whether any proxy is trusted.</summary>
    public bool Enabled => KnownProxies.Count > 0 || KnownNetworks.Count > 0;
}
