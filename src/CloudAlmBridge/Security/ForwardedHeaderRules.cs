using System.Net;
using CloudAlmBridge.Configuration;

namespace CloudAlmBridge.Security;

/// <summary><c>Bridge:Inbound:ForwardedHeaders</c>: which proxies are trusted to say the caller's address and scheme.</summary>
internal sealed class ForwardedHeaderRules : IConfigurationRule
{
    public void Check(ConfigurationCheck check)
    {
        var forwarded = check.Options.Inbound.ForwardedHeaders;
        var key = $"{ConfigurationCheck.Root}:Inbound:ForwardedHeaders";
        for (var i = 0; i < forwarded.KnownProxies.Count; i++)
        {
            if (!IPAddress.TryParse(forwarded.KnownProxies[i], out _))
            {
                check.Add($"{key}:KnownProxies:{i}: '{forwarded.KnownProxies[i]}' is not an IP address (a network goes under KnownNetworks, e.g. 10.0.0.0/8)");
            }
        }

        for (var i = 0; i < forwarded.KnownNetworks.Count; i++)
        {
            if (!IPNetwork.TryParse(forwarded.KnownNetworks[i], out _))
            {
                check.Add($"{key}:KnownNetworks:{i}: '{forwarded.KnownNetworks[i]}' is not a network in CIDR notation (e.g. 10.0.0.0/8 or fd00::/8)");
            }
        }

        check.Range($"{key}:ForwardLimit", forwarded.ForwardLimit, 1, 10);
    }
}
