using CloudAlmBridge.Mapping;

namespace CloudAlmBridge.Configuration;

/// <summary>
/// Builds the model of one configuration: runs every feature's rules (each reports every error it finds, with its
/// key), then resolves the references between subscriptions, webhooks, destinations and mappings. A model only when
/// nothing is wrong, so a user fixes a broken configuration in one pass.
/// </summary>
internal sealed class BridgeModelBuilder(IEnumerable<IConfigurationRule> rules, IMappingDefaults mappingDefaults, IHostEnvironment environment)
{
    private readonly IConfigurationRule[] _rules = [.. rules];
    private readonly Lock _startLock = new();
    private (BridgeModel? Model, IReadOnlyList<string> Errors)? _atStart;

    /// <summary>
    /// The start's build, run once: the start validation and the configuration in force share it, so the mapping files
    /// and certificates are read once. The options system binds one instance per accessor (<c>IOptions</c>, the
    /// monitor that <c>ValidateOnStart</c> asks), all from the same configuration at start: the first one is built.
    /// </summary>
    public (BridgeModel? Model, IReadOnlyList<string> Errors) AtStart(BridgeOptions options)
    {
        lock (_startLock)
        {
            _atStart ??= Build(options, atStart: true);
            return _atStart.Value;
        }
    }

    /// <summary>A reload's build.</summary>
    public (BridgeModel? Model, IReadOnlyList<string> Errors) Build(BridgeOptions options) => Build(options, atStart: false);

    private (BridgeModel? Model, IReadOnlyList<string> Errors) Build(BridgeOptions options, bool atStart)
    {
        var check = new ConfigurationCheck(options, environment.ContentRootPath, atStart);
        foreach (var rule in _rules)
        {
            rule.Check(check);
        }

        var subscriptions = ResolveSubscriptions(check);
        return check.Errors.Count > 0
            ? (null, check.Errors)
            : (new BridgeModel(options, subscriptions, check.Parts()), check.Errors);
    }

    /// <summary>Subscription → webhook → destination, and the mapping a subscription uses (its own, or its webhook's default).</summary>
    private Dictionary<string, ResolvedSubscription> ResolveSubscriptions(ConfigurationCheck check)
    {
        var options = check.Options;
        foreach (var (name, webhook) in options.Webhooks)
        {
            var key = $"{ConfigurationCheck.Root}:Webhooks:{name}";
            if (string.IsNullOrWhiteSpace(webhook.Destination))
            {
                check.Add($"{key}:Destination: required");
            }
            else if (!options.Destinations.ContainsKey(webhook.Destination))
            {
                check.Add($"{key}:Destination: unknown destination '{webhook.Destination}'{ConfigurationCheck.Known(options.Destinations.Keys)}");
            }
        }

        var resolved = new Dictionary<string, ResolvedSubscription>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, subscription) in options.Subscriptions)
        {
            var key = $"{ConfigurationCheck.Root}:Subscriptions:{name}";
            if (string.IsNullOrWhiteSpace(subscription.Webhook))
            {
                check.Add($"{key}:Webhook: required");
                continue;
            }

            if (!options.Webhooks.TryGetValue(subscription.Webhook, out var webhook))
            {
                check.Add($"{key}:Webhook: unknown webhook '{subscription.Webhook}'{ConfigurationCheck.Known(options.Webhooks.Keys)}");
                continue;
            }

            // An unknown destination or a missing mapping was reported by its own rule; this is only the resolution.
            var mappingName = subscription.Mapping is { Length: > 0 } named ? named : mappingDefaults.For(webhook);
            if (webhook.Destination is null || !options.Destinations.TryGetValue(webhook.Destination, out var destination) || mappingName is null)
            {
                continue;
            }

            // A generic look-up's path, compiled once per subscription: its errors are the ticket systems' rules'.
            var lookup = webhook.Kind == TicketSystemKind.Generic && webhook.Lookup is { Path: { } path }
                ? PathTemplate.Compile(path, "path", out _)
                : null;
            resolved[name] = new ResolvedSubscription(name, subscription,
                new ResolvedWebhook(subscription.Webhook, webhook, webhook.Destination, destination, lookup), mappingName);
        }

        return resolved;
    }
}
