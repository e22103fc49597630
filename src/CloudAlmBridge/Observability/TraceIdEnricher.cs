using Serilog.Core;
using Serilog.Events;

namespace CloudAlmBridge.Observability;

/// <summary>
/// Writes the trace and span id of the work a line belongs to as properties, so a console line leads to its trace
/// (Serilog keeps them on the event, but the console's line format shows only properties).
/// </summary>
internal sealed class TraceIdEnricher : ILogEventEnricher
{
    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        if (logEvent.TraceId is { } traceId)
        {
            logEvent.AddPropertyIfAbsent(propertyFactory.CreateProperty("TraceId", traceId.ToHexString()));
        }

        if (logEvent.SpanId is { } spanId)
        {
            logEvent.AddPropertyIfAbsent(propertyFactory.CreateProperty("SpanId", spanId.ToHexString()));
        }
    }
}
