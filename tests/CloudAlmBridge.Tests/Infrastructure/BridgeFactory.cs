using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace CloudAlmBridge.Tests.Infrastructure;

/// <summary>Hosts the real bridge with configuration given by the test, exactly as a user would configure it.</summary>
public sealed class BridgeFactory(IReadOnlyDictionary<string, string?> settings, string environment = "Testing", string? jsonFile = null)
    : WebApplicationFactory<Program>
{
    /// <summary>Every log line the bridge wrote, at every level.</summary>
    public CapturingLoggerProvider Logs { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(environment);
        builder.ConfigureLogging(logging => logging.AddProvider(Logs).SetMinimumLevel(LogLevel.Trace));
        builder.ConfigureAppConfiguration((_, configuration) =>
        {
            configuration.AddInMemoryCollection(settings);
            if (jsonFile is not null)
            {
                configuration.AddJsonFile(jsonFile, optional: false, reloadOnChange: true);
            }
        });
    }
}
