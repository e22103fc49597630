using CloudAlmBridge.Configuration;
namespace CloudAlmBridge.Tickets;

internal static class TicketsExtensions
{
    public static IHostApplicationBuilder AddBridgeTickets(this IHostApplicationBuilder builder)
    {
        builder.Services.AddConfigurationRule<TicketLifecycleRules>();
        builder.Services.AddConfigurationRule<ReopenRules>();
        builder.Services.AddConfigurationRule<GroupingRules>();
        builder.Services.AddSingleton<SituationLocks>();
        builder.Services.AddSingleton<TicketLifecycle>();
        builder.Services.AddSingleton<PingCoalescer>();
        builder.Services.AddSingleton<HeldSituations>();
        builder.Services.AddSingleton<TicketStatusReader>();
        return builder;
    }
}
