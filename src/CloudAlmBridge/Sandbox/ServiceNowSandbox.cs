using System.Globalization;
using System.Text.Json.Nodes;
using CloudAlmBridge.Storage;

namespace CloudAlmBridge.Sandbox;

/// <summary>
/// An emulation of ServiceNow's Table API for the demo: sys_id and number generation, partial updates, encoded-query
/// look-ups, and the data policy that makes resolving without a resolution code fail with 403. Its records are kept
/// in the bridge's database (<see cref="SandboxStore"/>): the bridge's links point at them, and both must outlive a
/// restart, or the look-up by correlation_id would miss an incident the bridge still knows.
/// </summary>
internal sealed class ServiceNowSandbox(SandboxStore store, TimeProvider timeProvider)
{
    public Task<JsonObject> CreateAsync(string tableName, JsonObject fields, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var prefix = Prefix(tableName);
        return store.CreateAsync(Key(tableName), number =>
        {
            var record = new JsonObject();
            Merge(record, fields);
            record["sys_id"] = Guid.NewGuid().ToString("N");
            record["number"] = $"{prefix}{number:D7}";
            record["state"] ??= "1";
            record["active"] = "true";
            record["sys_created_on"] = Format(now);
            record["sys_updated_on"] = Format(now);
            return record;
        }, now, cancellationToken);
    }

    public Task<JsonObject?> GetAsync(string tableName, string sysId, CancellationToken cancellationToken) =>
        store.FindAsync(Key(tableName), sysId, cancellationToken);

    /// <summary>ServiceNow's encoded query, the part the bridge and a user need: <c>field=value</c> terms joined by <c>^</c>.</summary>
    public async Task<IReadOnlyList<JsonObject>> QueryAsync(string tableName, string? encodedQuery, int limit, CancellationToken cancellationToken)
    {
        var terms = (encodedQuery ?? string.Empty)
            .Split('^', StringSplitOptions.RemoveEmptyEntries)
            .Select(term => term.Split('=', 2))
            .Where(parts => parts.Length == 2)
            .ToList();

        // The bridge's look-up before a create asks by correlation_id: the database answers that one by its index.
        var correlationId = terms.FirstOrDefault(t => t[0] == "correlation_id")?[1] is { Length: > 0 } id ? id : null;
        var records = await store.ListAsync(Key(tableName), correlationId, cancellationToken);
        return records
            .Where(record => terms.All(t => string.Equals(record[t[0]]?.ToString(), t[1], StringComparison.Ordinal)))
            .Take(limit)
            .ToList();
    }

    /// <summary>A partial update; the error is ServiceNow's own wording when a data policy refuses it.</summary>
    public async Task<(JsonObject? Record, string? PolicyError)> UpdateAsync(string tableName, string sysId, JsonObject fields,
        CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        return await store.UpdateAsync(Key(tableName), sysId, record =>
        {
            var state = fields["state"]?.ToString();
            if (state is "6" or "7")
            {
                // The base system makes resolution code and notes mandatory to resolve (ServiceNow answers 403).
                var missing = new List<string>();
                if (string.IsNullOrWhiteSpace((fields["close_code"] ?? record["close_code"])?.ToString()))
                {
                    missing.Add("Resolution code");
                }

                if (string.IsNullOrWhiteSpace((fields["close_notes"] ?? record["close_notes"])?.ToString()))
                {
                    missing.Add("Resolution notes");
                }

                if (missing.Count > 0)
                {
                    return $"Data Policy Exception: The following fields are mandatory: {string.Join(", ", missing)}";
                }
            }

            Merge(record, fields);
            record["active"] = record["state"]?.ToString() is "6" or "7" or "8" ? "false" : "true";
            record["sys_updated_on"] = Format(now);
            return null;
        }, now, cancellationToken);
    }

    public Task<bool> DeleteAsync(string tableName, string sysId, CancellationToken cancellationToken) =>
        store.DeleteAsync(Key(tableName), sysId, cancellationToken);

    private static void Merge(JsonObject record, JsonObject fields)
    {
        foreach (var (name, value) in fields)
        {
            if (name is "sys_id" or "number")
            {
                continue;
            }

            // work_notes is a journal in ServiceNow: each write adds an entry. The sandbox shows them newest first.
            if (name == "work_notes" && value?.ToString() is { Length: > 0 } note && record["work_notes"]?.ToString() is { Length: > 0 } previous)
            {
                record[name] = $"{note}\n\n{previous}";
                continue;
            }

            record[name] = value is JsonValue or null ? value?.DeepClone() : JsonValue.Create(value.ToJsonString());
        }
    }

    /// <summary>ServiceNow's table names are case-insensitive: <c>Incident</c> and <c>incident</c> are one table.</summary>
    private static string Key(string tableName) => tableName.ToLowerInvariant();

    private static string Prefix(string tableName) => Key(tableName) switch
    {
        "incident" => "INC",
        "sn_customerservice_case" => "CS",
        "problem" => "PRB",
        _ => "TKT",
    };

    /// <summary>ServiceNow's display format of a date-time, in UTC.</summary>
    private static string Format(DateTimeOffset time) => time.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
