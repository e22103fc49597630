using System.Data.Common;

namespace CloudAlmBridge.Configuration;

/// <summary>What a configuration puts in force, in words: for the start line, the reload line and <c>--check</c>.</summary>
internal static class InForce
{
    /// <summary>
    /// <c>subscriptions calm-to-snow, demo</c>, or <c>no subscription</c>; a disabled one says so, and one that reopens
    /// a flapping situation's ticket says within what (<c>calm-to-snow (reopens within 01:00:00)</c>), one that groups
    /// by what and within what (<c>calm-to-snow (groups by #{serviceId} within 00:10:00)</c>).
    /// </summary>
    public static string Subscriptions(BridgeModel model)
    {
        if (model.Subscriptions.Count == 0)
        {
            return "no subscription";
        }

        var names = model.Subscriptions.Values.OrderBy(s => s.Name, StringComparer.OrdinalIgnoreCase)
            .Select(s => s.Name + Traits(s.Options));
        return $"{(model.Subscriptions.Count == 1 ? "subscription" : "subscriptions")} {string.Join(", ", names)}";
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
