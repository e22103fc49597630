using System.Data.Common;
using CloudAlmBridge.Mappings;

namespace CloudAlmBridge.Configuration;

/// <summary>What a configuration puts in force, in words: for the start line, the reload line and <c>--check</c>.</summary>
internal static class InForce
{
    /// <summary><c>subscriptions calm-to-snow, demo</c>, or <c>no subscription</c>; a disabled one says so.</summary>
    public static string Subscriptions(BridgeModel model)
    {
        if (model.Subscriptions.Count == 0)
        {
            return "no subscription";
        }

        var names = model.Subscriptions.Values.OrderBy(s => s.Name, StringComparer.OrdinalIgnoreCase)
            .Select(s => s.Options.Enabled ? s.Name : $"{s.Name} (disabled)");
        return $"{(model.Subscriptions.Count == 1 ? "subscription" : "subscriptions")} {string.Join(", ", names)}";
    }

    /// <summary>
    /// One line per subscription: <c>calm-to-snow → webhook snow-incident (SNOW /api/now/table/incident) → destination
    /// servicenow (https://acme.service-now.com, BasicAuthentication) → mapping servicenow-incident (built-in)</c>.
    /// </summary>
    public static IEnumerable<string> Chains(BridgeModel model) =>
        model.Subscriptions.Values.OrderBy(s => s.Name, StringComparer.OrdinalIgnoreCase).Select(s =>
        {
            var webhook = s.Webhook;
            var origin = model.Mappings.TryGetValue(s.MappingName, out var entry)
                ? entry.Origin == MappingOrigin.BuiltIn ? "built-in" : "from configuration"
                : "stored over REST";
            var lookup = webhook.LookupPath is null ? string.Empty : ", with a look-up";
            return $"{s.Name}{(s.Options.Enabled ? string.Empty : " (disabled)")} → webhook {webhook.Name} ({webhook.Options.DestinationType.ToUpperInvariant()} "
                + $"{(webhook.Options.Path.Length == 0 ? "/" : webhook.Options.Path)}{lookup}) → destination {webhook.DestinationName} "
                + $"({webhook.Destination.Url}, {webhook.Destination.Authentication.Type}) → mapping {s.MappingName} ({origin})";
        });

    /// <summary><c>Sqlite (data/bridge.db)</c>, <c>PostgreSql (db.example.com/bridge)</c>: never the password.</summary>
    public static string Storage(StorageOptions storage)
    {
        var where = string.Empty;
        try
        {
            var parts = new DbConnectionStringBuilder { ConnectionString = storage.ConnectionString ?? string.Empty };
            where = Value(parts, "Data Source") ?? Value(parts, "DataSource")
                ?? (Value(parts, "Host") is { } host ? $"{host}/{Value(parts, "Database") ?? "(default database)"}" : null) ?? string.Empty;
        }
        catch (ArgumentException)
        {
            // Validation reports a malformed connection string; this is only a description.
        }

        return where.Length == 0 ? storage.Provider : $"{storage.Provider} ({where})";
    }

    private static string? Value(DbConnectionStringBuilder parts, string key) =>
        parts.TryGetValue(key, out var value) && value?.ToString() is { Length: > 0 } text ? text : null;
}
