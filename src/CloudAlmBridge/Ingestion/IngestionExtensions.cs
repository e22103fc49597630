using CloudAlmBridge.Configuration;

namespace CloudAlmBridge.Ingestion;

internal static class IngestionExtensions
{
    /// <summary>The events route's own settings (<c>Bridge:Inbound</c>); the route itself is mapped by <see cref="EventEndpoints"/>.</summary>
    public static IHostApplicationBuilder AddBridgeIngestion(this IHostApplicationBuilder builder)
    {
        builder.Services.AddConfigurationRule<InboundRules>();
        return builder;
    }
}
