using CloudAlmBridge.Configuration;
using CloudAlmBridge.Storage.PostgreSql;
using CloudAlmBridge.Storage.Sqlite;

namespace CloudAlmBridge.Storage;

internal static class StorageExtensions
{
    public static IHostApplicationBuilder AddBridgeStorage(this IHostApplicationBuilder builder)
    {
        builder.Services.AddConfigurationRule<StorageRules>();
        // The provider is read straight from configuration rather than IOptions<BridgeOptions>: the options' validation
        // looks up stored mappings, which needs the database, and must not wait on itself. An unknown provider is
        // refused by that validation; until then it falls back to SQLite, which is never opened then.
        builder.Services.AddSingleton<StorageProvider>(sp =>
        {
            var storage = StorageSection(sp.GetRequiredService<IConfiguration>());
            return string.Equals(storage.Provider, StorageOptions.PostgreSql, StringComparison.OrdinalIgnoreCase)
                ? new PostgreSqlProvider(storage.ConnectionString)
                : new SqliteProvider(storage.ConnectionString, sp.GetRequiredService<IHostEnvironment>().ContentRootPath);
        });
        builder.Services.AddSingleton(sp => new BridgeInstance(StorageSection(sp.GetRequiredService<IConfiguration>()).InstanceName));
        builder.Services.AddSingleton<BridgeDatabase>();
        builder.Services.AddSingleton<StorageOutage>();
        builder.Services.AddSingleton<ITicketStore, TicketStore>();
        builder.Services.AddSingleton<ITicketGroupStore, TicketGroupStore>();
        builder.Services.AddSingleton<IMappingStore, MappingStore>();
        builder.Services.AddSingleton<IDeliveryStore, DeliveryStore>();
        builder.Services.AddSingleton<ConsoleSessionStore>();
        builder.Services.AddHostedService<StorageInitializer>();
        builder.Services.AddSingleton<RetentionSweeper>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RetentionSweeper>());
        builder.Services.AddHealthChecks().AddCheck<StorageHealthCheck>("storage", tags: ["ready"]);

        return builder;
    }

    private static StorageOptions StorageSection(IConfiguration configuration) =>
        configuration.GetSection($"{BridgeOptions.SectionName}:Storage").Get<StorageOptions>() ?? new StorageOptions();
}
