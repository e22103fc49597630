using CloudAlmBridge.Configuration;
using Microsoft.Extensions.Options;

namespace CloudAlmBridge.Security;

/// <summary>
/// Behind a TLS-terminating proxy (<c>Bridge:Inbound:ForwardedHeaders</c>): the caller's scheme, host and address as the
/// proxy forwards them, for the console's Secure cookie, the per-address limits, the address in logs and the links the
/// bridge builds. Only the configured proxies are believed; without any, forwarded headers are ignored. Read at start.
/// </summary>
internal static class ForwardedHeaders
{
    public static IHostApplicationBuilder AddBridgeForwardedHeaders(this IHostApplicationBuilder builder)
    {
        builder.Services.AddConfigurationRule<ForwardedHeaderRules>();
        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<BridgeOptions>>((options, bridge) =>
        {
            var settings = bridge.Value.Inbound.ForwardedHeaders;
            options.ForwardedHeaders = Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedFor
                | Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedProto
                | Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedHost;
            options.ForwardLimit = settings.ForwardLimit;

            // Exactly the configured proxies: not also the framework's default of loopback.
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            foreach (var proxy in settings.KnownProxies)
            {
                if (System.Net.IPAddress.TryParse(proxy, out var address))
                {
                    options.KnownProxies.Add(address);
                }
            }

            // With a public address configured, only its host is taken from X-Forwarded-Host.
            if (Uri.TryCreate(bridge.Value.PublicBaseUrl, UriKind.Absolute, out var publicBase))
            {
                options.AllowedHosts.Add(publicBase.Authority);
                options.AllowedHosts.Add(publicBase.Host);
            }

            foreach (var network in settings.KnownNetworks)
            {
                if (System.Net.IPNetwork.TryParse(network, out var parsed))
                {
                    options.KnownIPNetworks.Add(parsed);
                }
            }
        });
        return builder;
    }

    /// <summary>First in the pipeline, so that everything after it sees the caller as the proxy forwarded it.</summary>
    public static WebApplication UseBridgeForwardedHeaders(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<BridgeOptions>>().Value.Inbound.ForwardedHeaders.Enabled)
        {
            app.UseForwardedHeaders();
        }

        return app;
    }
}
