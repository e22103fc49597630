using System.Collections;
using System.Reflection;
using CloudAlmBridge.Mapping.Templates;

namespace CloudAlmBridge.Configuration;

/// <summary>
/// Keys under <c>Bridge</c> that no option reads: a misspelt key (<c>Enable</c> for <c>Enabled</c>,
/// <c>Subscription</c> for <c>Subscriptions</c>) binds to nothing and would change nothing, silently. Found by walking
/// the configuration against the option classes themselves, so a new option is known the moment it exists.
/// </summary>
internal static class UnknownSettings
{
    /// <summary>One warning per unknown key: <c>Bridge:Subscriptions:x:Enable is not a setting the bridge reads; did you mean 'Enabled'?</c></summary>
    public static IReadOnlyList<string> Find(IConfiguration configuration)
    {
        var warnings = new List<string>();
        WalkObject(configuration.GetSection(BridgeOptions.SectionName), typeof(BridgeOptions), warnings);
        return warnings;
    }

    /// <summary>
    /// Webhooks no subscription names and destinations no webhook names: settings that change nothing, most often a
    /// name mistyped in one place (<c>Bridge:Webhooks:tickets:Lookup</c> beside a webhook <c>tickets-api</c>).
    /// </summary>
    public static IReadOnlyList<string> Unused(BridgeOptions options)
    {
        var warnings = new List<string>();
        var webhooksUsed = options.Subscriptions.Values.Select(s => s.Webhook).OfType<string>().ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var name in options.Webhooks.Keys.Where(w => !webhooksUsed.Contains(w)).Order(StringComparer.Ordinal))
        {
            warnings.Add($"{BridgeOptions.SectionName}:Webhooks:{name} is named by no subscription, so it changes nothing"
                + (webhooksUsed.Count == 0 ? string.Empty : $"; the subscriptions name {string.Join(", ", webhooksUsed.Order(StringComparer.Ordinal))}"));
        }

        var destinationsUsed = options.Webhooks.Values.Select(w => w.Destination).OfType<string>().ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var name in options.Destinations.Keys.Where(d => !destinationsUsed.Contains(d)).Order(StringComparer.Ordinal))
        {
            warnings.Add($"{BridgeOptions.SectionName}:Destinations:{name} is named by no webhook, so it changes nothing");
        }

        return warnings;
    }

    private static void WalkObject(IConfigurationSection section, Type type, List<string> warnings)
    {
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0)

            // A computed value (no setter) is not a setting, unless it is a collection or section filled in place.
            .Where(p => p.CanWrite || !IsScalar(Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType))
            .ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
        foreach (var child in section.GetChildren())
        {
            if (properties.TryGetValue(child.Key, out var property))
            {
                WalkValue(child, property.PropertyType, warnings);
                continue;
            }

            var hint = Suggestions.DidYouMean(child.Key, properties.Keys);
            warnings.Add($"{child.Path} is not a setting the bridge reads, so it changes nothing; "
                + (hint ?? $"the settings here are {string.Join(", ", properties.Keys.Order(StringComparer.Ordinal))}"));
        }
    }

    private static void WalkValue(IConfigurationSection section, Type type, List<string> warnings)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (IsScalar(type))
        {
            return;
        }

        if (ElementType(type) is { } element)
        {
            // A dictionary's keys are names the user chooses, a list's are indexes: only what is below them is checked.
            foreach (var item in section.GetChildren())
            {
                WalkValue(item, element, warnings);
            }

            return;
        }

        WalkObject(section, type, warnings);
    }

    private static bool IsScalar(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan)
        || type == typeof(DateTimeOffset) || type == typeof(DateTime) || type == typeof(Uri) || type == typeof(Guid);

    private static Type? ElementType(Type type)
    {
        if (type.IsArray)
        {
            return type.GetElementType();
        }

        if (!typeof(IEnumerable).IsAssignableFrom(type) || !type.IsGenericType)
        {
            return null;
        }

        var arguments = type.GetGenericArguments();
        return arguments.Length == 2 ? arguments[1] : arguments[0];
    }
}
