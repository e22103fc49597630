using CloudAlmBridge.Configuration;
namespace CloudAlmBridge.TicketSystems;

internal static class TicketSystemsExtensions
{
    public static IHostApplicationBuilder AddBridgeTicketSystems(this IHostApplicationBuilder builder)
    {
        builder.Services.AddConfigurationRule<WebhookRules>();
        builder.Services.AddSingleton<ServiceNowSystem>();
        builder.Services.AddSingleton<JiraDeployments>();
        builder.Services.AddSingleton<JiraTransitions>();
        builder.Services.AddSingleton<JiraSystem>();
        builder.Services.AddSingleton<GenericRestSystem>();
        builder.Services.AddSingleton<TicketSystemRegistry>();
        builder.Services.AddTransient<DestinationProbe>();
        return builder;
    }
}
