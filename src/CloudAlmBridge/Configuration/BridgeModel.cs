using CloudAlmBridge.Delivery.Tls;
using CloudAlmBridge.Mappings;

namespace CloudAlmBridge.Configuration;

/// <summary>One valid configuration, resolved and immutable; swapped whole on reload.</summary>
internal sealed record BridgeModel(
    BridgeOptions Options,
    IReadOnlyDictionary<string, ResolvedSubscription> Subscriptions,
    IReadOnlyDictionary<string, MappingEntry> Mappings,
    IReadOnlyDictionary<string, DestinationTls> TlsByHost)
{
    public ResolvedSubscription? FindSubscription(string name) => Subscriptions.GetValueOrDefault(name);

    /// <summary>The client certificate and trusted authorities for a destination host, if it has any.</summary>
    public DestinationTls? TlsFor(string? host) => host is null ? null : TlsByHost.GetValueOrDefault(host);
}
