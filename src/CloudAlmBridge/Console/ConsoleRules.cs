using CloudAlmBridge.Configuration;

namespace CloudAlmBridge.Console;

/// <summary><c>Bridge:Security:ConsoleSessionLifetime</c>: long enough to work in, short enough that a forgotten sign-in ends.</summary>
internal sealed class ConsoleRules : IConfigurationRule
{
    public void Check(ConfigurationCheck check) =>
        check.Range($"{ConfigurationCheck.Root}:Security:ConsoleSessionLifetime", check.Options.Security.ConsoleSessionLifetime,
            TimeSpan.FromMinutes(1), TimeSpan.FromHours(12));
}
