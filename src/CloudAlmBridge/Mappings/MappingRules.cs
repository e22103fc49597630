using CloudAlmBridge.Configuration;
using CloudAlmBridge.Mapping;
using CloudAlmBridge.Storage;

namespace CloudAlmBridge.Mappings;

/// <summary>
/// <c>Bridge:Mappings</c> and the mapping each subscription uses: every mapping file read and compiled once per build
/// (provided as <see cref="ConfiguredMappings"/>, with its errors and line numbers), each subscription's mapping known
/// (built in, configured or put over REST) and given the user variables a built-in mapping needs.
/// </summary>
internal sealed class MappingRules(StoredMappings storedMappings) : IConfigurationRule
{
    public void Check(ConfigurationCheck check)
    {
        var mappings = Load(check);
        check.Provide(new ConfiguredMappings(mappings));

        // With the storage itself misconfigured, stored mappings cannot be asked for: no follow-on "unknown mapping".
        var storageUsable = !StorageSettings.Validate(check.Options.Storage, ConfigurationCheck.Root).Any();
        foreach (var (name, subscription) in check.Options.Subscriptions)
        {
            CheckSubscription(check, name, subscription, mappings, storageUsable ? storedMappings.Contains : _ => true);
        }
    }

    private static Dictionary<string, MappingEntry> Load(ConfigurationCheck check)
    {
        var mappings = new Dictionary<string, MappingEntry>(BuiltInMappings.All, StringComparer.OrdinalIgnoreCase);
        foreach (var (name, source) in check.Options.Mappings)
        {
            var key = $"{ConfigurationCheck.Root}:Mappings:{name}";
            if (BuiltInMappings.All.ContainsKey(name))
            {
                check.Add($"{key}: '{name}' is a built-in mapping; give yours another name");
                continue;
            }

            if (string.IsNullOrWhiteSpace(source.File))
            {
                check.Add($"{key}:File: required");
                continue;
            }

            var path = check.PathOf(source.File);
            string json;
            try
            {
                json = File.ReadAllText(path);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                check.Add($"{key}:File: cannot read '{path}': {exception.Message}");
                continue;
            }

            var compilation = MappingDocument.Compile(json);
            if (compilation.Document is null)
            {
                check.AddRange(compilation.Errors.Select(e => $"{key}: {e}"));
                continue;
            }

            mappings[name] = new MappingEntry(name, MappingOrigin.Configuration, json, compilation.Document);
        }

        return mappings;
    }

    private static void CheckSubscription(ConfigurationCheck check, string name, SubscriptionOptions subscription,
        Dictionary<string, MappingEntry> mappings, Func<string, bool> isStored)
    {
        var key = $"{ConfigurationCheck.Root}:Subscriptions:{name}";
        var webhook = subscription.Webhook is { Length: > 0 } webhookName ? check.Options.Webhooks.GetValueOrDefault(webhookName) : null;
        var mappingName = subscription.Mapping is { Length: > 0 } ? subscription.Mapping : webhook is null ? null : BuiltInMappings.DefaultFor(webhook);
        if (mappingName is not null && check.Options.Mappings.ContainsKey(mappingName) && !mappings.ContainsKey(mappingName))
        {
            // The mapping is configured but its file failed, with its own errors: "unknown mapping" would be a false follow-on.
            return;
        }

        if (mappingName is not null && !mappings.ContainsKey(mappingName) && !isStored(mappingName))
        {
            check.Add(subscription.Mapping is { Length: > 0 }
                ? $"{key}:Mapping: unknown mapping '{mappingName}'{ConfigurationCheck.Known(mappings.Keys)}"
                : $"{key}:Mapping: the webhook's default mapping '{mappingName}' is not available; name a Mapping");
        }
        else if (mappingName is null && webhook is not null)
        {
            var resource = webhook.ExternalResourceType is { Length: > 0 } type ? $" '{type}'" : string.Empty;
            check.Add($"{key}:Mapping: required, as no built-in mapping writes a {webhook.DestinationType}{resource} (built in: SNOW Incident and Case, JIRA)");
        }

        foreach (var required in mappingName is null ? [] : BuiltInMappings.RequiredUserVariables(mappingName))
        {
            if (!subscription.UserVariables.TryGetValue(required.Name, out var value) || string.IsNullOrWhiteSpace(value))
            {
                check.Add($"{key}:UserVariables:{required.Name}: required by the built-in mapping '{mappingName}': {required.Purpose}");
            }
        }
    }
}
