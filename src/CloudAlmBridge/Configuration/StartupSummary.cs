using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace CloudAlmBridge.Configuration;

/// <summary>
/// One line once the bridge listens: the subscriptions in force, the storage and, in Development, where Swagger UI is;
/// a warning when there is no subscription at all (every event would be answered 404).
/// </summary>
internal sealed class StartupSummary(IHostApplicationLifetime lifetime, ActiveConfiguration configuration, IServer server,
    IHostEnvironment environment, ILogger<StartupSummary> logger) : IHostedService
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

        ConfigurationLog.Started(logger, InForce.Subscriptions(model), InForce.Storage(model.Options.Storage), swagger);
        if (model.Subscriptions.Count == 0)
        {
            ConfigurationLog.NoSubscription(logger);
        }
    }
}
