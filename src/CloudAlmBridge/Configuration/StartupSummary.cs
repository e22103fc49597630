using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace CloudAlmBridge.Configuration;

/// <summary>
/// One line once the bridge listens: the subscriptions in force, the storage, the instance's name (as its claims carry
/// it), where it listens, the folder its own files are read from and, in Development, where Swagger UI is; a warning
/// when there is no subscription at all (every event would be answered 404).
/// </summary>
internal sealed class StartupSummary(IHostApplicationLifetime lifetime, ActiveConfiguration configuration, IServer server,
    IHostEnvironment environment, Storage.BridgeInstance instance, ILogger<StartupSummary> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(Write);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Write()
    {
        var model = configuration.Current;
        var swagger = string.Empty;
        if (environment.IsDevelopment())
        {
            var baseUrl = model.Options.PublicBaseUrl is { Length: > 0 } configured
                ? configured
                : server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
            swagger = baseUrl is null ? string.Empty : $"; Swagger UI at {baseUrl.TrimEnd('/')}/swagger";
        }

        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        ConfigurationLog.Started(logger, InForce.Subscriptions(model), InForce.Storage(model.Options.Storage), instance.Id,
            addresses.Count == 0 ? "(no address)" : string.Join(", ", addresses), environment.ContentRootPath, swagger);
        if (model.Subscriptions.Count == 0)
        {
            ConfigurationLog.NoSubscription(logger);
        }

        WarnAboutTheCurrentDirectory();
    }

    /// <summary>
    /// Until this version the bridge read its files from the current directory: an installation started from another
    /// folder that holds its appsettings or its database there would now, silently, run on other files. Said once.
    /// </summary>
    private void WarnAboutTheCurrentDirectory()
    {
        var current = Path.TrimEndingDirectorySeparator(Directory.GetCurrentDirectory());
        var root = Path.TrimEndingDirectorySeparator(environment.ContentRootPath);
        if (string.Equals(current, root, StringComparison.Ordinal)
            || server.GetType().Namespace?.StartsWith("Microsoft.AspNetCore.Server.Kestrel", StringComparison.Ordinal) != true)
        {
            return;
        }

        var found = new[] { "appsettings.json", $"appsettings.{environment.EnvironmentName}.json", Path.Combine("data", "bridge.db") }
            .Where(file => File.Exists(Path.Combine(current, file))).ToList();
        if (found.Count > 0)
        {
            ConfigurationLog.FilesInTheCurrentDirectory(logger, current, string.Join(", ", found), root);
        }
    }
}
