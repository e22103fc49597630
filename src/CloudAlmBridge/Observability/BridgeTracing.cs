using System.Diagnostics;

namespace CloudAlmBridge.Observability;

/// <summary>
/// The bridge's traces (activity source <c>CloudAlmBridge</c>): one trace per event, from the Cloud ALM call through the
/// outbox to the ticket system's call. The accepting call's trace context is stored with the delivery, and the delivery,
/// whichever instance and however much later it runs, continues that trace; the ticket system gets its
/// <c>traceparent</c> from the HTTP client.
/// </summary>
internal static class BridgeTracing
{
    public const string SourceName = "CloudAlmBridge";

    private static readonly ActivitySource Source = new(SourceName);

    /// <summary>The current call's <c>traceparent</c>, when it is being traced (recorded); null otherwise.</summary>
    public static string? TraceParentToStore() =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C, Recorded: true } activity ? activity.Id : null;

    /// <summary>Starts the delivery's span, a child of the accepting call's when that was traced; null when nobody listens.</summary>
    public static Activity? StartDelivery(long deliveryId, string subscription, string situationId, string eventType, string? traceParent)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        // Read back from storage, the context is the remote caller's.
        ActivityContext.TryParse(traceParent, null, isRemote: true, out var parent);
        var activity = Source.StartActivity("deliver " + eventType, ActivityKind.Internal, parent);
        activity?.SetTag("calm.delivery_id", deliveryId);
        activity?.SetTag("calm.subscription", subscription);
        activity?.SetTag("calm.situation_id", situationId);
        activity?.SetTag("calm.event_type", eventType);
        return activity;
    }
}
