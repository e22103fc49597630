using CloudAlmBridge.Configuration;
using CloudAlmBridge.Delivery.Tls;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Telemetry;

namespace CloudAlmBridge.Delivery;

internal static class DeliveryExtensions
{
    public static IHostApplicationBuilder AddBridgeDelivery(this IHostApplicationBuilder builder)
    {
        builder.Services.AddConfigurationRule<DeliveryRules>();
        builder.Services.AddConfigurationRule<DestinationRules>();
        builder.Services.AddConfigurationRule<DestinationTlsRules>();
        builder.Services.AddTransient<DestinationAuthenticationHandler>();
        builder.Services.AddSingleton<DestinationSlotRegistry>();
        builder.Services.AddTransient<DestinationSlots>();
        builder.Services.AddSingleton<OAuthTokenCache>();
        builder.Services.AddSingleton<TlsRejections>();
        builder.Services.AddSingleton<DestinationHealth>();
        builder.Services.AddHealthChecks().AddCheck<DestinationHealthCheck>("destinations", tags: ["ready"]);

        // An expected failure of a ticket system is one line per retry, written by the retry below, and one line for
        // the attempt's outcome: Polly's own retry and attempt events carry the exception's stack trace, so they are
        // not logged.
        builder.Services.Configure<Polly.Telemetry.TelemetryOptions>(telemetry =>
        {
            var previous = telemetry.SeverityProvider;
            telemetry.SeverityProvider = args => args.Event.EventName is "OnRetry" or "ExecutionAttempt"
                ? ResilienceEventSeverity.None
                : previous?.Invoke(args) ?? args.Event.Severity;
        });

        // Token requests go straight to the token endpoint: no retries (a refused secret will not change by retrying).
        // The same socket handler as the tickets: no redirects, and a token URL on the destination's host is trusted
        // and presented certificates as that destination is.
        // Without the client factory's own loggers: they log below Warning only, and cost a log scope per call; the
        // bridge logs its calls itself (DeliveryLog).
        builder.Services.AddHttpClient(OAuthTokenCache.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(15))
            .RemoveAllLoggers()
            .ConfigurePrimaryHttpMessageHandler(services => DestinationTlsHandler.Create(
                services.GetRequiredService<ActiveConfiguration>(), services.GetRequiredService<TlsRejections>()));
        var client = builder.Services.AddHttpClient<TicketSystemClient>(client => client.Timeout = Timeout.InfiniteTimeSpan)
            .RemoveAllLoggers()
            .ConfigurePrimaryHttpMessageHandler(services => DestinationTlsHandler.Create(
                services.GetRequiredService<ActiveConfiguration>(), services.GetRequiredService<TlsRejections>()));
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

                    // Retry-After is read by the delay generator below, which caps it.
                    ShouldRetryAfterHeader = false,
                };

                // A quick retry waits for Retry-After, as ServiceNow and Jira ask, but never shorter than its own
                // backoff and never beyond MaxInlineRetryDelay: a longer wait ends the attempt, and the outbox's
                // schedule takes the delivery over (no wait of minutes inside an attempt). The default predicate
                // covers 408, 429, 5xx, timeouts and connection failures.
                // A certificate that is not trusted will not be trusted a second later: not retried.
                var timeProvider = context.ServiceProvider.GetRequiredService<TimeProvider>();
                var rejections = context.ServiceProvider.GetRequiredService<TlsRejections>();
                var handles = retry.ShouldHandle;
                retry.ShouldHandle = args =>
                    args.Outcome.Result is { } answer && RetryAfterHeader.Read(answer, timeProvider.GetUtcNow()) > delivery.MaxInlineRetryDelay
                    || (args.Outcome.Exception is HttpRequestException { InnerException: System.Security.Authentication.AuthenticationException }
                        && args.Context.GetRequestMessage()?.RequestUri is { } uri && rejections.WasRefused(uri.IdnHost))
                        ? PredicateResult.False()
                        : handles(args);
                var logger = context.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger<TicketSystemClient>();
                retry.OnRetry = args =>
                {
                    var request = args.Context.GetRequestMessage();
                    DeliveryLog.Retrying(logger, request?.Method.Method ?? "?", request?.RequestUri?.GetLeftPart(UriPartial.Path) ?? "?",
                        args.Outcome.Result is { } answer ? $"answered {(int)answer.StatusCode}" : args.Outcome.Exception?.Message.TrimEnd('.') ?? "no answer",
                        args.AttemptNumber + 1, delivery.InlineRetries, (long)args.RetryDelay.TotalMilliseconds);
                    return default;
                };
                retry.DelayGenerator = args =>
                {
                    var backoff = delivery.InlineRetryDelay * Math.Pow(2, args.AttemptNumber);
                    var asked = args.Outcome.Result is { } answer ? RetryAfterHeader.Read(answer, timeProvider.GetUtcNow()) : null;
                    return ValueTask.FromResult<TimeSpan?>(asked is { } wait && wait > backoff ? wait : null);
                };

                // Why each retried call is safe: GET reads; PATCH and PUT set the same fields again. A POST that creates
                // a ticket is never retried here: a lost answer may mean the ticket exists, and only the look-up by
                // correlation id before the next create makes a second attempt safe.
                retry.DisableFor(HttpMethod.Post);
                if (delivery.InlineRetries > 0)
                {
                    pipeline.AddRetry(retry);
                }

                // The attempt's timeout is taken in DestinationSlots, once the call has its slot.
            });

        // Added after the resilience handler, so they run inside it, once per call: every attempt takes a destination
        // slot only while it is on the wire, and is signed afresh.
        client.AddHttpMessageHandler<DestinationSlots>();
        client.AddHttpMessageHandler<DestinationAuthenticationHandler>();
        return builder;
    }
}
