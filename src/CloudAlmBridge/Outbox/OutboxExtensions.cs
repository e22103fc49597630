namespace CloudAlmBridge.Outbox;

internal static class OutboxExtensions
{
    public static IHostApplicationBuilder AddBridgeOutbox(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<DeliveryNotifications>();
        builder.Services.AddSingleton<DeliveryDispatcher>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<DeliveryDispatcher>());
        builder.Services.AddSingleton<EventInbox>();
        builder.Services.AddSingleton<DeadLetterReplay>();
        return builder;
    }
}
