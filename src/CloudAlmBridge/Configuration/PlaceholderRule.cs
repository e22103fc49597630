namespace CloudAlmBridge.Configuration;

/// <summary>
/// Outside Development, a value still set to an example's placeholder stops the start (<see cref="Placeholders"/>):
/// a bridge must not run on <c>change-me</c>. A reload is not refused for it; <c>--check</c> says it in Development too.
/// </summary>
internal sealed class PlaceholderRule(IConfiguration configuration, IHostEnvironment environment) : IConfigurationRule
{
    public void Check(ConfigurationCheck check)
    {
        if (check.AtStart && !environment.IsDevelopment())
        {
            check.AddRange(Placeholders.Find(configuration));
        }
    }
}
