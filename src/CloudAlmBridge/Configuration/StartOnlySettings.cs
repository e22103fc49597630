namespace CloudAlmBridge.Configuration;

/// <summary>
/// The settings read once, at start: everything else under <c>Bridge</c> is re-read on a reload. Each is here because
/// what it sets up lives as long as the process (the storage's connections, Kestrel, the authentication handlers,
/// the HTTP clients' resilience pipeline, the OpenTelemetry exporters, one concurrency limit per destination).
/// A reload that changes one logs that it needs a restart, and readiness is Degraded until then: the bridge goes on
/// with the value it started with. docs/configuration.md marks exactly these "read at start" (a test holds the two together).
/// </summary>
internal static class StartOnlySettings
{
    /// <summary>The keys, as configuration.md writes them (<c>{name}</c> for a name the user chooses).</summary>
    public static readonly IReadOnlyList<string> Keys =
    [
        "Bridge:Storage:Provider",
        "Bridge:Storage:ConnectionString",
        "Bridge:Storage:InstanceName",
        "Bridge:Inbound:ForwardedHeaders:KnownProxies",
        "Bridge:Inbound:ForwardedHeaders:KnownNetworks",
        "Bridge:Inbound:ForwardedHeaders:ForwardLimit",
        "Bridge:Security:ConsoleSessionLifetime",
        "Bridge:Security:KeyRing:Key",
        "Bridge:Security:Clients:{name}:CertificateThumbprints",
        "Bridge:Security:Tokens:Issuer",
        "Bridge:Security:Tokens:Audience",
        "Bridge:Security:Jwt:Authority",
        "Bridge:Security:Jwt:MetadataAddress",
        "Bridge:Security:Jwt:Audience",
        "Bridge:Security:Jwt:RolesClaim",
        "Bridge:Security:Jwt:NameClaim",
        "Bridge:Security:Jwt:ScopePrefix",
        "Bridge:Security:Jwt:AcceptBareRoles",
        "Bridge:Security:Jwt:RequireHttpsMetadata",
        "Bridge:Delivery:InlineRetries",
        "Bridge:Delivery:InlineRetryDelay",
        "Bridge:Delivery:MaxInlineRetryDelay",
        "Bridge:Delivery:MaxConcurrencyPerDestination",
        "Bridge:Telemetry:OtlpEndpoint",
        "Bridge:Telemetry:OtlpProtocol",
        "Bridge:Telemetry:ServiceName",
    ];

    /// <summary>What each start-only setting is now, by key: the value as written, never shown (it may be a connection string).</summary>
    public static Dictionary<string, string?> Read(IConfiguration configuration)
    {
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var key in Keys)
        {
            values[key] = key == "Bridge:Security:Clients:{name}:CertificateThumbprints"

                // Per client it is read on every call; whether Kestrel asks for client certificates at all is decided at start.
                ? configuration.GetSection("Bridge:Security:Clients").GetChildren()
                    .Any(client => client.GetSection("CertificateThumbprints").GetChildren().Any(t => !string.IsNullOrWhiteSpace(t.Value))).ToString()
                : configuration.GetSection(key).GetChildren().Any()

                    // A list: its items, in order.
                    ? string.Join('\n', configuration.GetSection(key).GetChildren().Select(item => item.Value))
                    : configuration[key];
        }

        return values;
    }

    // Names and switches, read ignoring case: "sqlite" is the Sqlite the bridge runs on. A connection string is not.
    private static readonly HashSet<string> IgnoringCase = new(StringComparer.Ordinal)
    {
        "Bridge:Storage:Provider", "Bridge:Security:Jwt:AcceptBareRoles", "Bridge:Security:Jwt:RequireHttpsMetadata", "Bridge:Telemetry:OtlpProtocol",
    };

    /// <summary>The keys whose value differs from the one the bridge started with.</summary>
    public static IReadOnlyList<string> Changed(IReadOnlyDictionary<string, string?> atStart, IConfiguration configuration)
    {
        var now = Read(configuration);
        return [.. Keys.Where(key => !string.Equals(atStart[key]?.Trim(), now[key]?.Trim(),
            IgnoringCase.Contains(key) ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal))];
    }
}
