namespace CloudAlmBridge.Storage;

internal static class StorageExtensions
{
    public static IHostApplicationBuilder AddBridgeStorage(this IHostApplicationBuilder builder)
    {
        // The provider is validated with the rest of the configuration; SQLite is the only one in this version.
        builder.Services.AddSingleton<SqliteDatabase>();
        builder.Services.AddSingleton<ITicketStore, SqliteTicketStore>();
        builder.Services.AddSingleton<IMappingStore, SqliteMappingStore>();
        builder.Services.AddSingleton<IDeliveryStore, SqliteDeliveryStore>();
        builder.Services.AddHostedService<StorageInitializer>();
        builder.Services.AddHealthChecks().AddCheck<StorageHealthCheck>("storage", tags: ["ready"]);
        return builder;
    }
}
