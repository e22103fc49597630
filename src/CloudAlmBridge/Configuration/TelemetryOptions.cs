namespace CloudAlmBridge.Configuration;

/// <summary><c>Bridge:Telemetry</c>: where traces go. Metrics are always served at <c>/metrics</c>.</summary>
public sealed class TelemetryOptions
{
    public const string Grpc = "grpc";
    public const string HttpProtobuf = "http/protobuf";

    /// <summary>
    /// An OpenTelemetry collector's OTLP endpoint (<c>http://otel-collector:4317</c> for gRPC,
    /// <c>http://otel-collector:4318</c> for HTTP). Traces are off unless this (or <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>) is set.
    /// </summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary><c>grpc</c> (default) or <c>http/protobuf</c>.</summary>
    public string OtlpProtocol { get; set; } = Grpc;

    /// <summary>The <c>service.name</c> of the traces.</summary>
    public string ServiceName { get; set; } = "cloud-alm-bridge";
}
