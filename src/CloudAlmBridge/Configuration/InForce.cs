using System.Data.Common;

namespace CloudAlmBridge.Configuration;

/// <summary>What a configuration puts in force, in words: for the start line, the reload line and <c>--check</c>.</summary>
internal static class InForce
{
    /// <summary>
    /// <c>subscriptions calm-to-snow, demo</c>, or <c>no subscription</c>; a disabled one says so, and one that reopens
    /// a flapping situation's ticket says within what (<c>calm-to-snow (reopens within 01:00:00)</c>), one that groups
    /// by what and within what (<c>calm-to-snow (groups by #{serviceId} within 00:10:00)</c>); configured maintenance
    /// windows follow (<see cref="Maintenance"/>).
    /// </summary>
    public static string Subscriptions(BridgeModel model)
    {
        if (model.Subscriptions.Count == 0)
        {
            return "no subscription";
        }

        var names = model.Subscriptions.Values.OrderBy(s => s.Name, StringComparer.OrdinalIgnoreCase)
            .Select(s => s.Name + Traits(s.Options));
        return $"{(model.Subscriptions.Count == 1 ? "subscription" : "subscriptions")} {string.Join(", ", names)}{Maintenance(model.Options)}";
    }

    /// <summary>
    /// <c>; maintenance window s4-upgrade (every '0 22 * * SAT' in Europe/Berlin for 04:00:00, covers calm-to-snow, at its
    /// end Drop)</c>, or nothing without a configured window: what the bridge will hold back, and when.
    /// </summary>
    public static string Maintenance(BridgeOptions options)
    {
        if (options.Maintenance.Count == 0)
        {
            return string.Empty;
        }

        var windows = options.Maintenance.OrderBy(w => w.Key, StringComparer.OrdinalIgnoreCase).Select(w =>
        {
            var (name, window) = (w.Key, w.Value);
            var when = window.Schedule is not null
                ? $"every '{window.Schedule}' in {window.TimeZone ?? "UTC"} for {window.Duration}"
                : $"{window.Start} to {window.End}";
            var covers = window.Subscriptions.Count == 0 ? "all subscriptions" : string.Join(", ", window.Subscriptions);
            if (window.Services.Count > 0)
            {
                covers += $", services {string.Join(", ", window.Services)}";
            }

            return $"{name} ({when}, covers {covers}, at its end {window.AtEnd})";
        });
        return $"; maintenance {(options.Maintenance.Count == 1 ? "window" : "windows")} {string.Join(", ", windows)}";
    }

    /// <summary>What a subscription does beyond the usual, in parentheses: disabled, reopens within its window.</summary>
    public static string Traits(SubscriptionOptions subscription)
    {
        var traits = new List<string>();
        if (!subscription.Enabled)
        {
            traits.Add("disabled");
        }

        if (subscription.Grouping is { IsOn: true, Window: { } groupWindow })
        {
            traits.Add($"groups by {subscription.Grouping.Key} within {groupWindow}"
                + (subscription.Grouping.ClosesWithLastMember ? string.Empty : ", a person closes the group's ticket"));
        }

        if (subscription.Reopen.Window is { } window)
        {
            traits.Add($"reopens within {window}");
        }

        return traits.Count == 0 ? string.Empty : $" ({string.Join(", ", traits)})";
    }

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
