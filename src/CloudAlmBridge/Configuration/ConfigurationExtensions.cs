using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;

namespace CloudAlmBridge.Configuration;

internal static class ConfigurationExtensions
{
    /// <summary>
    /// Binds <c>Bridge</c>, validates it at start (every error listed) and keeps the configuration in force.
    /// </summary>
    public static IHostApplicationBuilder AddBridgeConfiguration(this IHostApplicationBuilder builder)
    {
        WatchSettingsFilesByPolling(builder);
        // Bound without a change-token source on purpose: reloads go through ActiveConfiguration, which keeps the last
        // good configuration instead of throwing on the configuration watcher's thread.
        builder.Services.AddOptions<BridgeOptions>()
            .Configure<IConfiguration>((options, configuration) => configuration.GetSection(BridgeOptions.SectionName).Bind(options))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<BridgeOptions>, BridgeOptionsValidator>();
        builder.Services.AddSingleton<BridgeModelBuilder>();
        builder.Services.AddConfigurationRule<RoutingRules>();
        builder.Services.AddConfigurationRule<PlaceholderRule>();
        builder.Services.AddSingleton<ActiveConfiguration>();
        builder.Services.AddHostedService<StartupSummary>();
        builder.Services.AddHealthChecks().AddCheck<ConfigurationHealthCheck>("configuration", tags: ["ready"]);
        return builder;
    }

    /// <summary>
    /// <c>appsettings*.json</c> are watched by polling their own time stamps every few seconds instead of by a file
    /// system watcher on the content root: that watcher takes the whole tree, and the SQLite file lives in it by default
    /// (<c>data/bridge.db</c>, <c>/app/data</c> in the container), so it woke up at every commit of the database.
    /// </summary>
    private static void WatchSettingsFilesByPolling(IHostApplicationBuilder builder)
    {
        var sources = builder.Configuration.Sources;
        var polling = new Dictionary<PhysicalFileProvider, PhysicalFileProvider>();
        for (var i = 0; i < sources.Count; i++)
        {
            if (sources[i] is JsonConfigurationSource { ReloadOnChange: true, FileProvider: PhysicalFileProvider physical } json)
            {
                if (!polling.TryGetValue(physical, out var replacement))
                {
                    replacement = new PhysicalFileProvider(physical.Root) { UsePollingFileWatcher = true, UseActivePolling = true };
                    polling[physical] = replacement;
                }

                json.FileProvider = replacement;

                // Set again, so that the configuration builds its provider anew with the polling file provider.
                sources[i] = json;
            }
        }

        // The host's content root provider is the same object as the configuration's default: both are replaced
        // (later sources and anyone watching through the environment keep working), then the old one, whose file
        // system watcher the first load started, is disposed to stop that watcher.
        foreach (var (old, replacement) in polling)
        {
            if (ReferenceEquals(builder.Environment.ContentRootFileProvider, old))
            {
                builder.Environment.ContentRootFileProvider = replacement;
            }

            if (ReferenceEquals(builder.Configuration.Properties.TryGetValue("FileProvider", out var current) ? current : null, old))
            {
                builder.Configuration.SetFileProvider(replacement);
            }

            old.Dispose();
        }
    }
}
