namespace CloudAlmBridge.Configuration;

internal static class ConfigurationRules
{
    /// <summary>Registers a feature's configuration rule: run at start and at every reload, before the configuration is put in force.</summary>
    public static IServiceCollection AddConfigurationRule<TRule>(this IServiceCollection services)
        where TRule : class, IConfigurationRule
    {
        services.AddSingleton<IConfigurationRule, TRule>();
        return services;
    }
}
