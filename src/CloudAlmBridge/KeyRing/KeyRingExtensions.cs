using CloudAlmBridge.Configuration;
using CloudAlmBridge.Storage;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;

namespace CloudAlmBridge.KeyRing;

/// <summary>
/// ASP.NET Core Data Protection for the console's session cookie and antiforgery tokens: its keys in the bridge's
/// database (every instance shares them, a restart keeps them), each encrypted with a key from the configuration
/// that is never in the database.
/// </summary>
internal static partial class KeyRingExtensions
{
    public static IHostApplicationBuilder AddBridgeKeyRing(this IHostApplicationBuilder builder)
    {
        builder.Services.AddConfigurationRule<KeyRingRules>();
        builder.Services.AddDataProtection().SetApplicationName("CloudAlmBridge");
        builder.Services.AddSingleton(KeyRingKey.Create);
        builder.Services.AddSingleton<DataProtectionKeyStore>();
        builder.Services.AddSingleton<KeyRingRepository>();
        builder.Services.AddOptions<KeyManagementOptions>()
            .Configure<KeyRingRepository, KeyRingKey>((options, repository, key) =>
            {
                options.XmlRepository = repository;
                options.XmlEncryptor = new KeyRingEncryptor(key);
            });
        builder.Services.AddHostedService<KeyRingStartLine>();
        return builder;
    }

    /// <summary>At start, in the bridge's words, how the key ring is protected.</summary>
    private sealed partial class KeyRingStartLine(KeyRingKey key, ILogger<KeyRingStartLine> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            Protected(logger, key.Persisted ? "in the bridge's database" : "in this process's memory only", key.Id, key.Source);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        [LoggerMessage(EventId = 2011, Level = LogLevel.Information,
            Message = "Console key ring: {Where}, each key encrypted with AES-256-GCM under key {KeyId} from {Source}")]
        private static partial void Protected(ILogger logger, string where, string keyId, string source);
    }
}
