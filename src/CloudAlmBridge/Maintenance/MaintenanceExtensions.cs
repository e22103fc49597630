using CloudAlmBridge.Configuration;

namespace CloudAlmBridge.Maintenance;

internal static class MaintenanceExtensions
{
    public static IHostApplicationBuilder AddBridgeMaintenance(this IHostApplicationBuilder builder)
    {
        builder.Services.AddConfigurationRule<MaintenanceRules>();
        builder.Services.AddSingleton<MaintenanceStore>();
        builder.Services.AddSingleton<MaintenanceCalendar>();
        builder.Services.AddSingleton<MaintenanceWindows>();
        return builder;
    }
}
