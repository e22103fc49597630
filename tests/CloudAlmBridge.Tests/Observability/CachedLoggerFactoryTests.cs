using CloudAlmBridge.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CloudAlmBridge.Tests.Observability;

/// <summary>
/// Issue 21, item 5: the authentication handlers are made per request and ask for a logger each time; the bridge's
/// logger factory hands out one per category, and the loggers still write everywhere they wrote before.
/// </summary>
public sealed class CachedLoggerFactoryTests
{
    [Fact]
    public void TheBridgesLoggerFactory_GivesOneLoggerPerCategory_ThatStillWritesToEveryProvider()
    {
        using var directory = new TempDirectory();
        using var factory = new BridgeFactory(TestSettings.ForServiceNow("http://127.0.0.1:9", directory.File("bridge.db")));
        var loggers = factory.Services.GetRequiredService<ILoggerFactory>();

        var first = loggers.CreateLogger("CloudAlmBridge.Security.BasicAuthenticationHandler");
        Assert.Same(first, loggers.CreateLogger("CloudAlmBridge.Security.BasicAuthenticationHandler"));
        Assert.NotSame(first, loggers.CreateLogger("CloudAlmBridge.Security.Other"));

        first.LogWarning("a line from a remembered logger {Marker}", "c4f1-remembered");
        Assert.Contains(factory.Logs.Lines, line => line.Contains("c4f1-remembered", StringComparison.Ordinal));
    }
}
