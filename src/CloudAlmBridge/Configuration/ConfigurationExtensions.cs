using Microsoft.Extensions.Options;

namespace CloudAlmBridge.Configuration;

internal static class ConfigurationExtensions
{
    /// <summary>
    /// Binds <c>Bridge</c>, validates it at start (every error listed) and keeps the configuration in force.
    /// </summary>
    public static IHostApplicationBuilder AddBridgeConfiguration(this IHostApplicationBuilder builder)
    {
        // Bound without a change-token source on purpose: reloads go through ActiveConfiguration, which keeps the last
        // good configuration instead of throwing on the configuration watcher's thread.
        builder.Services.AddOptions<BridgeOptions>()
            .Configure<IConfiguration>((options, configuration) => configuration.GetSection(BridgeOptions.SectionName).Bind(options))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<BridgeOptions>, BridgeOptionsValidator>();
        builder.Services.AddSingleton<ActiveConfiguration>();
        builder.Services.AddHostedService<StartupSummary>();
        builder.Services.AddHealthChecks().AddCheck<ConfigurationHealthCheck>("configuration", tags: ["ready"]);
        return builder;
    }
}
