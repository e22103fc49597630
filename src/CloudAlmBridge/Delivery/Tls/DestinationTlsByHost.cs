namespace CloudAlmBridge.Delivery.Tls;

/// <summary>The TLS settings of the configuration in force, by destination host (a part of the model, replaced with it).</summary>
internal sealed class DestinationTlsByHost(IReadOnlyDictionary<string, DestinationTls> byHost)
{
    /// <summary>The client certificate and trusted authorities for a destination host, if it has any.</summary>
    public DestinationTls? For(string? host) => host is null ? null : byHost.GetValueOrDefault(host);
}
