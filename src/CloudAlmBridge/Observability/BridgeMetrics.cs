using System.Diagnostics.Metrics;
using CloudAlmBridge.Configuration;
using CloudAlmBridge.Delivery;
using CloudAlmBridge.Mapping;
using CloudAlmBridge.Tickets;

namespace CloudAlmBridge.Observability;

/// <summary>
/// The bridge's instruments on <see cref="System.Diagnostics.Metrics"/> (meter <c>CloudAlmBridge</c>), exported at
/// <c>/metrics</c> by OpenTelemetry's Prometheus exporter and to any OpenTelemetry backend. Labels are bounded by
/// configuration: subscription names, event types, outcomes, destination names.
/// </summary>
/// <remarks>
/// Every series a configuration can produce exists from the start with 0 (and after every reload): a dashboard or an
/// alert on <c>increase(bridge_dead_letters_total[5m])</c> needs the series before its first dead letter.
/// </remarks>
internal sealed class BridgeMetrics
{
    public const string MeterName = "CloudAlmBridge";

    private static readonly string[] Outcomes = [nameof(DeliveryState.Delivered), nameof(DeliveryState.Skipped), nameof(DeliveryState.Failed)];

    private readonly Counter<long> _eventsReceived;
    private readonly Counter<long> _deliveries;
    private readonly Counter<long> _deadLetters;
    private readonly Histogram<double> _duration;
    private long _queueDepth;
    private long _held;

    public BridgeMetrics(IMeterFactory meterFactory, ActiveConfiguration configuration, DestinationHealth health, Storage.StorageOutage outage)
    {
        // From the host's meter factory: two hosts in one process (the integration tests) keep their figures apart.
        var meter = meterFactory.Create(MeterName);
        _eventsReceived = meter.CreateCounter<long>("bridge_events_received", description: "Change messages accepted from Cloud ALM.");
        _deliveries = meter.CreateCounter<long>("bridge_deliveries", description: "Deliveries to ticket systems by outcome (one per attempt).");
        _deadLetters = meter.CreateCounter<long>("bridge_dead_letters", description: "Deliveries given up after their retries.");
        _duration = meter.CreateHistogram("bridge_delivery_duration", unit: "s",
            description: "Time from taking an event to its outcome, look-ups and retries included.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });
        meter.CreateObservableGauge("bridge_queue_depth", () => Interlocked.Read(ref _queueDepth),
            description: "Events accepted and not yet delivered or dead-lettered, as the dispatcher last counted them.");
        meter.CreateObservableGauge("bridge_storage_up", () => outage.Down ? 0 : 1,
            description: "1 while the storage takes writes as far as this instance knows, 0 from a failed call until a write gets through again.");
        meter.CreateObservableCounter("bridge_storage_refused_calls", () => outage.RefusedTotal,
            description: "Calls answered 503 with Retry-After because the storage could not take them (away, full, locked, too many waiting, too slow).");
        meter.CreateObservableGauge("bridge_situations_held", () => Interlocked.Read(ref _held),
            description: "Situations held until an operator settles them (a create whose outcome nothing can settle), as the dispatcher last counted them.");

        // Destination health, as this instance's calls saw it. The bridge has no circuit breaker: a failing
        // destination is backed off by the outbox's schedule, and bridge_destination_up says its calls fail now.
        meter.CreateObservableGauge("bridge_destination_up",
            () => Destinations(configuration, health, status => status is null || status.ConsecutiveFailures == 0 ? 1 : 0),
            description: "1 while the destination's last call succeeded (or none was made yet), 0 while its calls fail.");
        meter.CreateObservableGauge("bridge_destination_consecutive_failures",
            () => Destinations(configuration, health, status => status?.ConsecutiveFailures ?? 0),
            description: "Failed calls to the destination since its last success.");
        meter.CreateObservableGauge("bridge_destination_configuration_problem",
            () => Destinations(configuration, health, status => status?.ConfigurationProblem is null && status?.LookupProblem is null ? 0 : 1),
            description: "1 while the destination has a problem waiting will not fix (a certificate the bridge does not trust, a look-up it refuses).");

        StartSeries(configuration.Current);
        configuration.Changed += StartSeries;
    }

    public void EventReceived(string subscription, string eventType) =>
        _eventsReceived.Add(1, new("subscription", subscription), new("event_type", eventType));

    public void RecordDelivery(string subscription, string outcome, TimeSpan duration)
    {
        _deliveries.Add(1, new("subscription", subscription), new("outcome", outcome));
        _duration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("subscription", subscription));
    }

    public void DeadLettered(string subscription) => _deadLetters.Add(1, new KeyValuePair<string, object?>("subscription", subscription));

    /// <summary>Deliveries accepted and not yet delivered or dead-lettered, as the dispatcher last counted them.</summary>
    public void SetQueueDepth(long pending) => Interlocked.Exchange(ref _queueDepth, pending);

    /// <summary>Situations held, as the dispatcher last counted them.</summary>
    public void SetHeld(long held) => Interlocked.Exchange(ref _held, held);

    /// <summary>Adds 0 to every counter series the configuration can produce, so each is exported before its first event.</summary>
    private void StartSeries(BridgeModel model)
    {
        foreach (var subscription in model.Subscriptions.Keys)
        {
            foreach (var eventType in EventTypes.All)
            {
                _eventsReceived.Add(0, new("subscription", subscription), new("event_type", eventType));
            }

            foreach (var outcome in Outcomes)
            {
                _deliveries.Add(0, new("subscription", subscription), new("outcome", outcome));
            }

            _deadLetters.Add(0, new KeyValuePair<string, object?>("subscription", subscription));
        }
    }

    private static IEnumerable<Measurement<int>> Destinations(ActiveConfiguration configuration, DestinationHealth health,
        Func<DestinationStatus?, int> value)
    {
        var statuses = health.Snapshot();
        return configuration.Current.Options.Destinations.Keys.Order(StringComparer.Ordinal).Select(name =>
            new Measurement<int>(value(statuses.GetValueOrDefault(name)), new KeyValuePair<string, object?>("destination", name)));
    }
}
