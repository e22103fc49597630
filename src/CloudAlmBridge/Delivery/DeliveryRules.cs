using CloudAlmBridge.Configuration;

namespace CloudAlmBridge.Delivery;

/// <summary><c>Bridge:Delivery</c>: timeouts, retries and bounds that the delivery loop can live with.</summary>
internal sealed class DeliveryRules : IConfigurationRule
{
    public void Check(ConfigurationCheck check)
    {
        var delivery = check.Options.Delivery;
        var key = $"{ConfigurationCheck.Root}:Delivery";

        // Every duration has an upper bound the runtime's timers accept (about 24.8 days for a wait): a value beyond
        // it would throw inside a background loop long after the start.
        foreach (var (name, value, max) in new (string, TimeSpan, TimeSpan)[]
        {
            ("AttemptTimeout", delivery.AttemptTimeout, TimeSpan.FromMinutes(30)),
            ("InlineRetryDelay", delivery.InlineRetryDelay, TimeSpan.FromMinutes(5)),
            ("MaxInlineRetryDelay", delivery.MaxInlineRetryDelay, TimeSpan.FromMinutes(5)),
            ("RetryBaseDelay", delivery.RetryBaseDelay, TimeSpan.FromDays(1)),
            ("RetryMaxDelay", delivery.RetryMaxDelay, TimeSpan.FromDays(1)),
            ("MaxRetryAge", delivery.MaxRetryAge, TimeSpan.FromDays(30)),
        })
        {
            if (value > max)
            {
                check.Add($"{key}:{name}: must be at most {max} (is {value})");
            }
        }

        if (delivery.AttemptTimeout <= TimeSpan.Zero)
        {
            check.Add($"{key}:AttemptTimeout: must be positive");
        }

        check.Range($"{key}:MaxAnswerBytes", delivery.MaxAnswerBytes, 1024, 100 * 1024 * 1024);
        check.Range($"{key}:InlineRetries", delivery.InlineRetries, 0, 10);
        if (delivery.InlineRetryDelay < TimeSpan.Zero || delivery.MaxInlineRetryDelay < delivery.InlineRetryDelay)
        {
            check.Add($"{key}:InlineRetryDelay: must be at least zero and at most MaxInlineRetryDelay");
        }

        if (delivery.MaxAttempts < 1)
        {
            check.Add($"{key}:MaxAttempts: must be at least 1 (is {delivery.MaxAttempts})");
        }

        if (delivery.MaxRetryAge <= TimeSpan.Zero)
        {
            check.Add($"{key}:MaxRetryAge: must be positive");
        }

        if (delivery.RetryBaseDelay <= TimeSpan.Zero || delivery.RetryMaxDelay < delivery.RetryBaseDelay)
        {
            check.Add($"{key}:RetryBaseDelay: must be positive and at most RetryMaxDelay");
        }

        if (delivery.MaxConcurrentDeliveries is { } concurrent)
        {
            check.Range($"{key}:MaxConcurrentDeliveries", concurrent, 1, 256);
        }
        check.Range($"{key}:MaxConcurrencyPerDestination", delivery.MaxConcurrencyPerDestination, 1, 64);
        if (delivery.PollInterval <= TimeSpan.Zero || delivery.PollInterval > TimeSpan.FromMinutes(1))
        {
            check.Add($"{key}:PollInterval: must be positive and at most 00:01:00 (is {delivery.PollInterval})");
        }

        // The owner renews its lease every third of it while the delivery runs; the lease only says how soon a dead
        // instance's claims are taken over.
        check.Range($"{key}:LeaseDuration", delivery.LeaseDuration, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
    }
}
