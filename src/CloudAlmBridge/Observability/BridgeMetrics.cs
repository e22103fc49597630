using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace CloudAlmBridge.Observability;

/// <summary>
/// The bridge's own counters, rendered in Prometheus' text format at <c>/metrics</c>: no exporter package, no
/// background work, and labels bounded by configuration (subscription names, event types, outcomes).
/// </summary>
internal sealed class BridgeMetrics
{
    private static readonly double[] LatencyBuckets = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    private readonly ConcurrentDictionary<(string Subscription, string EventType), long> _eventsReceived = new();
    private readonly ConcurrentDictionary<(string Subscription, string Outcome), long> _deliveries = new();
    private readonly ConcurrentDictionary<string, long> _deadLetters = new();
    private readonly ConcurrentDictionary<string, Histogram> _latency = new();
    private long _queueDepth;

    public void EventReceived(string subscription, string eventType) =>
        _eventsReceived.AddOrUpdate((subscription, eventType), 1, static (_, count) => count + 1);

    public void RecordDelivery(string subscription, string outcome, TimeSpan duration)
    {
        _deliveries.AddOrUpdate((subscription, outcome), 1, static (_, count) => count + 1);
        _latency.GetOrAdd(subscription, static _ => new Histogram(LatencyBuckets.Length)).Observe(duration.TotalSeconds);
    }

    public void DeadLettered(string subscription) => _deadLetters.AddOrUpdate(subscription, 1, static (_, count) => count + 1);

    /// <summary>Deliveries accepted and not yet delivered or dead-lettered, as the dispatcher last counted them.</summary>
    public void SetQueueDepth(long pending) => Interlocked.Exchange(ref _queueDepth, pending);

    public string Render()
    {
        var text = new StringBuilder(2048);
        text.AppendLine("# HELP bridge_events_received_total Change messages accepted from Cloud ALM.");
        text.AppendLine("# TYPE bridge_events_received_total counter");
        foreach (var ((subscription, eventType), count) in _eventsReceived.OrderBy(e => e.Key))
        {
            text.Append(CultureInfo.InvariantCulture, $"bridge_events_received_total{{subscription=\"{Escape(subscription)}\",event_type=\"{Escape(eventType)}\"}} {count}\n");
        }

        text.AppendLine("# HELP bridge_deliveries_total Deliveries to ticket systems by outcome.");
        text.AppendLine("# TYPE bridge_deliveries_total counter");
        foreach (var ((subscription, outcome), count) in _deliveries.OrderBy(e => e.Key))
        {
            text.Append(CultureInfo.InvariantCulture, $"bridge_deliveries_total{{subscription=\"{Escape(subscription)}\",outcome=\"{Escape(outcome)}\"}} {count}\n");
        }

        text.AppendLine("# HELP bridge_delivery_duration_seconds Time from taking an event to its outcome.");
        text.AppendLine("# TYPE bridge_delivery_duration_seconds histogram");
        foreach (var (subscription, histogram) in _latency.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            histogram.Render(text, Escape(subscription), LatencyBuckets);
        }

        text.AppendLine("# HELP bridge_queue_depth Events accepted and not yet delivered.");
        text.AppendLine("# TYPE bridge_queue_depth gauge");
        text.Append(CultureInfo.InvariantCulture, $"bridge_queue_depth {Interlocked.Read(ref _queueDepth)}\n");

        text.AppendLine("# HELP bridge_dead_letters_total Deliveries given up after their retries.");
        text.AppendLine("# TYPE bridge_dead_letters_total counter");
        foreach (var (subscription, count) in _deadLetters.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture, $"bridge_dead_letters_total{{subscription=\"{Escape(subscription)}\"}} {count}\n");
        }

        return text.ToString();
    }

    private static string Escape(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private sealed class Histogram(int bucketCount)
    {
        private readonly long[] _buckets = new long[bucketCount];
        private readonly Lock _lock = new();
        private long _count;
        private double _sum;

        public void Observe(double value)
        {
            lock (_lock)
            {
                for (var i = 0; i < _buckets.Length; i++)
                {
                    if (value <= LatencyBuckets[i])
                    {
                        _buckets[i]++;
                    }
                }

                _count++;
                _sum += value;
            }
        }

        public void Render(StringBuilder text, string subscription, double[] bounds)
        {
            lock (_lock)
            {
                for (var i = 0; i < bounds.Length; i++)
                {
                    text.Append(CultureInfo.InvariantCulture, $"bridge_delivery_duration_seconds_bucket{{subscription=\"{subscription}\",le=\"{bounds[i]}\"}} {_buckets[i]}\n");
                }

                text.Append(CultureInfo.InvariantCulture, $"bridge_delivery_duration_seconds_bucket{{subscription=\"{subscription}\",le=\"+Inf\"}} {_count}\n");
                text.Append(CultureInfo.InvariantCulture, $"bridge_delivery_duration_seconds_sum{{subscription=\"{subscription}\"}} {_sum}\n");
                text.Append(CultureInfo.InvariantCulture, $"bridge_delivery_duration_seconds_count{{subscription=\"{subscription}\"}} {_count}\n");
            }
        }
    }
}
