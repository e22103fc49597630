namespace CloudAlmBridge.Configuration;

/// <summary>
/// The sections the configuration itself resolves: subscriptions and webhooks (their references are resolved by
/// <see cref="BridgeModelBuilder"/>) and the public base URL.
/// </summary>
internal sealed class RoutingRules : IConfigurationRule
{
    public void Check(ConfigurationCheck check)
    {
        var options = check.Options;
        if (options.PublicBaseUrl is { Length: > 0 } baseUrl && !ConfigurationCheck.IsHttpUrl(baseUrl))
        {
            check.Add($"{ConfigurationCheck.Root}:PublicBaseUrl: '{baseUrl}' is not an absolute http(s) URL");
        }

        foreach (var (name, webhook) in options.Webhooks)
        {
            var key = $"{ConfigurationCheck.Root}:Webhooks:{name}";
            if (!WebhookOptions.DestinationTypes.Contains(webhook.DestinationType.ToUpperInvariant()))
            {
                check.Add($"{key}:DestinationType: '{webhook.DestinationType}' must be one of {string.Join(", ", WebhookOptions.DestinationTypes)}");
            }

            if (webhook.Path.Length > 0 && webhook.Path[0] != '/')
            {
                check.Add($"{key}:Path: '{webhook.Path}' must start with '/'");
            }
        }

        foreach (var (name, subscription) in options.Subscriptions)
        {
            var key = $"{ConfigurationCheck.Root}:Subscriptions:{name}";
            if (string.IsNullOrWhiteSpace(subscription.ResourceType))
            {
                check.Add($"{key}:ResourceType: required, e.g. 'EVENT-SITUATION'");
            }
            else if (!string.Equals(subscription.ResourceType, "EVENT-SITUATION", StringComparison.OrdinalIgnoreCase)
                && !string.Equals(subscription.ResourceType, "EVENT-SITUATIONS", StringComparison.OrdinalIgnoreCase))
            {
                // Only event situations' messages are accepted (docs/api.md §2): any other resource type would refuse every event.
                check.Add($"{key}:ResourceType: '{subscription.ResourceType}' is not bridged; this version takes 'EVENT-SITUATION' (or 'EVENT-SITUATIONS')");
            }

            if (subscription.CloudAlmUrl is { Length: > 0 } cloudAlmUrl && !ConfigurationCheck.IsHttpUrl(cloudAlmUrl))
            {
                check.Add($"{key}:CloudAlmUrl: '{cloudAlmUrl}' is not an absolute http(s) URL");
            }
        }
    }
}
