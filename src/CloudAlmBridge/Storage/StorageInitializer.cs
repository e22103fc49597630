namespace CloudAlmBridge.Storage;

/// <summary>Creates or migrates the schema before the bridge takes its first request.</summary>
internal sealed class StorageInitializer(ITicketStore store) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => store.InitializeAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
