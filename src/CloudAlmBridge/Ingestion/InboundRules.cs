using CloudAlmBridge.Configuration;

namespace CloudAlmBridge.Ingestion;

/// <summary><c>Bridge:Inbound</c>: how long the events route waits, how much it reads and how many stores it runs at once.</summary>
internal sealed class InboundRules : IConfigurationRule
{
    public void Check(ConfigurationCheck check)
    {
        var inbound = check.Options.Inbound;
        var key = $"{ConfigurationCheck.Root}:Inbound";
        check.Range($"{key}:WaitForDeliverySeconds", inbound.WaitForDeliverySeconds, 0, 120);
        if (inbound.StoreTimeout < TimeSpan.FromMilliseconds(100) || inbound.StoreTimeout > TimeSpan.FromMinutes(5))
        {
            check.Add($"{key}:StoreTimeout: must be between 00:00:00.1 and 00:05:00 (is {inbound.StoreTimeout})");
        }

        check.Range($"{key}:MaxConcurrentStores", inbound.MaxConcurrentStores, 1, 10_000);
        if (inbound.MaxBodyBytes <= 0)
        {
            check.Add($"{key}:MaxBodyBytes: must be positive (is {inbound.MaxBodyBytes})");
        }
    }
}
