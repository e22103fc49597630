using CloudAlmBridge.Configuration;
using CloudAlmBridge.Delivery.Tls;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace CloudAlmBridge.Delivery;

internal static class DeliveryExtensions
{
    public static IHostApplicationBuilder AddBridgeDelivery(this IHostApplicationBuilder builder)
    {
        builder.Services.AddTransient<DestinationAuthenticationHandler>();
        builder.Services.AddSingleton<OAuthTokenCache>();

        // Token requests go straight to the token endpoint: no retries (a refused secret will not change by retrying).
        // The same socket handler as the tickets: no redirects, and a token URL on the destination's host is trusted
        // and presented certificates as that destination is.
        builder.Services.AddHttpClient(OAuthTokenCache.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(15))
            .ConfigurePrimaryHttpMessageHandler(services => DestinationTlsHandler.Create(services.GetRequiredService<ActiveConfiguration>()));
        var client = builder.Services.AddHttpClient<TicketSystemClient>(client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(services => DestinationTlsHandler.Create(services.GetRequiredService<ActiveConfiguration>()));
        client.AddResilienceHandler("ticket-system", static (pipeline, context) =>
            {
                var delivery = context.ServiceProvider.GetRequiredService<IOptions<BridgeOptions>>().Value.Delivery;
                var retry = new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = Math.Max(delivery.InlineRetries, 0),
                    Delay = delivery.InlineRetryDelay,
                    MaxDelay = delivery.MaxInlineRetryDelay,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,

                    // 429 waits for Retry-After, as ServiceNow and Jira ask (the default predicate covers 408, 429, 5xx,
                    // timeouts and connection failures).
                    ShouldRetryAfterHeader = true,
                };

                // Why each retried call is safe: GET reads; PATCH and PUT set the same fields again. A POST that creates
                // a ticket is never retried here: a lost answer may mean the ticket exists, and only the look-up by
                // correlation id before the next create makes a second attempt safe.
                retry.DisableFor(HttpMethod.Post);
                if (delivery.InlineRetries > 0)
                {
                    pipeline.AddRetry(retry);
                }

                pipeline.AddTimeout(delivery.AttemptTimeout);
            });

        // Added after the resilience handler, so it runs inside it: every attempt is signed afresh.
        client.AddHttpMessageHandler<DestinationAuthenticationHandler>();
        return builder;
    }
}
