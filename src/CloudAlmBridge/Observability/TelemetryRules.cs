using CloudAlmBridge.Configuration;

namespace CloudAlmBridge.Observability;

/// <summary><c>Bridge:Telemetry</c>: where traces and metrics go, and how.</summary>
internal sealed class TelemetryRules : IConfigurationRule
{
    public void Check(ConfigurationCheck check)
    {
        var telemetry = check.Options.Telemetry;
        if (telemetry.OtlpEndpoint is { Length: > 0 } otlp && !ConfigurationCheck.IsHttpUrl(otlp))
        {
            check.Add($"{ConfigurationCheck.Root}:Telemetry:OtlpEndpoint: '{otlp}' is not an absolute http(s) URL, e.g. http://otel-collector:4317");
        }

        check.OneOf($"{ConfigurationCheck.Root}:Telemetry:OtlpProtocol", telemetry.OtlpProtocol, TelemetryOptions.Grpc, TelemetryOptions.HttpProtobuf);
    }
}
