using CloudAlmBridge.Configuration;

namespace CloudAlmBridge.Storage;

/// <summary><c>Bridge:Storage</c>: a provider the bridge has, a connection string its driver reads, a sane retention.</summary>
internal sealed class StorageRules : IConfigurationRule
{
    public void Check(ConfigurationCheck check) => check.AddRange(StorageSettings.Validate(check.Options.Storage, ConfigurationCheck.Root));
}
