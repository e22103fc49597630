using System.Diagnostics.Metrics;
using CloudAlmBridge.Configuration;
using CloudAlmBridge.Delivery;
using CloudAlmBridge.Mapping;
using CloudAlmBridge.Vocabulary;

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

    private static readonly string[] Outcomes = Enum.GetNames<AttemptOutcome>();

    private readonly Counter<long> _eventsReceived;
    private readonly Counter<long> _deliveries;
    private readonly Counter<long> _deadLetters;
    private readonly Counter<long> _ticketsReopened;
    private readonly Counter<long> _heldByMaintenance;
    private readonly Counter<long> _eventsGrouped;
    private readonly Histogram<double> _duration;
    private long _queueDepth;
    private long _held;

    public BridgeMetrics(IMeterFactory meterFactory, ActiveConfiguration configuration, DestinationHealth health, Storage.StorageOutage outage)
    {
        // From the host's meter factory: two hosts in one process (the integration tests) keep their figures apart.
        var meter = meterFactory.Create(MeterName);
        _eventsReceived = meter.CreateCounter<long>("bridge_events_received", description: "Change messages accepted from Cloud ALM.");
        _deliveries = meter.CreateCounter<long>("bridge_deliveries", description: "Attempts of stored deliveries by outcome (Delivered, Skipped, Failed; one per attempt, whichever step ended it); PINGs are not deliveries.");
        _deadLetters = meter.CreateCounter<long>("bridge_dead_letters", description: "Deliveries given up after their retries.");
        _ticketsReopened = meter.CreateCounter<long>("bridge_tickets_reopened",
            description: "New situations that reopened a ticket the bridge had resolved within the subscription's Reopen:Window (a flap), instead of opening another.");
        _heldByMaintenance = meter.CreateCounter<long>("bridge_events_held_by_maintenance",
            description: "Events a maintenance window held back (accepted and stored, nothing sent until the window's end); each counted once per window.");
        _eventsGrouped = meter.CreateCounter<long>("bridge_events_grouped",
            description: "New situations that joined an open group's ticket (Grouping:Key within Grouping:Window, a storm) with a note, instead of opening a ticket of their own.");
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
        // destination is backed off by the outbox's schedule, and bridge_destination_up says it is down now. Down is no
        // answer, a 5xx or a failed TLS handshake; a 4xx is a refusal by a system that is up, counted apart.
        meter.CreateObservableGauge("bridge_destination_up",
            () => Destinations(configuration, health, status => status is null || status.ConsecutiveFailures == 0 ? 1 : 0),
            description: "0 while the destination is down (its last call got no answer, a 5xx or a failed TLS handshake), else 1; a 4xx refusal does not make it 0.");
        meter.CreateObservableGauge("bridge_destination_consecutive_failures",
            () => Destinations(configuration, health, status => status?.ConsecutiveFailures ?? 0),
            description: "Calls in a row that found the destination down (each call with its quick retries counts once); 0 from the first call it answers.");
        meter.CreateObservableCounter("bridge_destination_refused_calls",
            () => Destinations(configuration, health, status => status?.RefusedCalls ?? 0L),
            description: "Calls the destination refused with a 4xx (or a redirect the bridge does not follow): it is up, the request was wrong or not allowed.");
        meter.CreateObservableGauge("bridge_destination_configuration_problem",
            () => Destinations(configuration, health, status => status?.ConfigurationProblem is null && status?.LookupProblem is null ? 0 : 1),
            description: "1 while the destination has a problem waiting will not fix (a certificate the bridge does not trust, a look-up it refuses).");

        StartSeries(configuration.Current);
        configuration.Changed += StartSeries;
    }

    public void EventReceived(string subscription, string eventType) =>
        _eventsReceived.Add(1, new("subscription", subscription), new("event_type", eventType));

    /// <summary>
    /// One attempt of a stored delivery, as the outbox recorded it: whichever step ended it (the ticket system, or the
    /// dispatcher finding its subscription gone or its message unreadable). A PING is not a delivery and is not counted.
    /// </summary>
    public void AttemptRecorded(string subscription, string outcome) =>
        _deliveries.Add(1, new("subscription", subscription), new("outcome", outcome));

    /// <summary>How long handling one stored event took, from taking it to its outcome.</summary>
    public void DeliveryTook(string subscription, TimeSpan duration) =>
        _duration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("subscription", subscription));

    public void DeadLettered(string subscription) => _deadLetters.Add(1, new KeyValuePair<string, object?>("subscription", subscription));

    /// <summary>A new situation reopened a ticket the bridge had resolved, instead of opening another.</summary>
    public void TicketReopened(string subscription) => _ticketsReopened.Add(1, new KeyValuePair<string, object?>("subscription", subscription));

    /// <summary>Events a maintenance window newly held back (at its hold, or those that waited behind them, at its end).</summary>
    public void HeldByMaintenance(string subscription, int events)
    {
        if (events > 0)
        {
            _heldByMaintenance.Add(events, new KeyValuePair<string, object?>("subscription", subscription));
        }
    }

    /// <summary>A new situation joined an open group's ticket, instead of opening one.</summary>
    public void EventGrouped(string subscription) => _eventsGrouped.Add(1, new KeyValuePair<string, object?>("subscription", subscription));

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
            _ticketsReopened.Add(0, new KeyValuePair<string, object?>("subscription", subscription));
            _heldByMaintenance.Add(0, new KeyValuePair<string, object?>("subscription", subscription));
            _eventsGrouped.Add(0, new KeyValuePair<string, object?>("subscription", subscription));
        }
    }

    private static IEnumerable<Measurement<T>> Destinations<T>(ActiveConfiguration configuration, DestinationHealth health,
        Func<DestinationStatus?, T> value)
        where T : struct
    {
        var statuses = health.Snapshot();
        return configuration.Current.Options.Destinations.Keys.Order(StringComparer.Ordinal).Select(name =>
            new Measurement<T>(value(statuses.GetValueOrDefault(name)), new KeyValuePair<string, object?>("destination", name)));
    }
}
