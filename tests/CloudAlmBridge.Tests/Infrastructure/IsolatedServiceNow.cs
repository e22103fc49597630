using WireMock.Server;

namespace CloudAlmBridge.Tests.Infrastructure;

/// <summary>
/// For tests that start bridges with settings of their own: a WireMock ServiceNow and a temp folder, and complete
/// settings pointing at them (each call a fresh SQLite file).
/// </summary>
public sealed class IsolatedServiceNow : IDisposable
{
    private readonly TempDirectory _directory = new();

    public WireMockServer ServiceNow { get; } = WireMockServer.Start();

    public string Url => ServiceNow.Url!;

    public Dictionary<string, string?> Settings() => TestSettings.ForServiceNow(Url, _directory.File($"{Guid.NewGuid():N}.db"));

    public void Dispose()
    {
        ServiceNow.Stop();
        ServiceNow.Dispose();
        _directory.Dispose();
    }
}
