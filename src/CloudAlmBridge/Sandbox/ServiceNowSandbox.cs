using System.Globalization;
using System.Text.Json.Nodes;

namespace CloudAlmBridge.Sandbox;

/// <summary>
/// An in-memory emulation of ServiceNow's Table API for the demo: sys_id and number generation, partial updates,
/// encoded-query look-ups, and the data policy that makes resolving without a resolution code fail with 403.
/// </summary>
internal sealed class ServiceNowSandbox(TimeProvider timeProvider)
{
    private readonly Dictionary<string, Table> _tables = new(StringComparer.OrdinalIgnoreCase);

    public JsonObject Create(string tableName, JsonObject fields)
    {
        var table = GetTable(tableName);
        lock (table)
        {
            var record = new JsonObject();
            Merge(record, fields);
            var now = Now();
            var sysId = Guid.NewGuid().ToString("N");
            record["sys_id"] = sysId;
            record["number"] = $"{table.Prefix}{++table.Counter:D7}";
            record["state"] ??= "1";
            record["active"] = "true";
            record["sys_created_on"] = now;
            record["sys_updated_on"] = now;
            table.Records[sysId] = record;
            table.Order.Add(sysId);
            return (JsonObject)record.DeepClone();
        }
    }

    public JsonObject? Get(string tableName, string sysId)
    {
        var table = GetTable(tableName);
        lock (table)
        {
            return table.Records.TryGetValue(sysId, out var record) ? (JsonObject)record.DeepClone() : null;
        }
    }

    /// <summary>ServiceNow's encoded query, the part the bridge and a user need: <c>field=value</c> terms joined by <c>^</c>.</summary>
    public IReadOnlyList<JsonObject> Query(string tableName, string? encodedQuery, int limit)
    {
        var terms = (encodedQuery ?? string.Empty)
            .Split('^', StringSplitOptions.RemoveEmptyEntries)
            .Select(term => term.Split('=', 2))
            .Where(parts => parts.Length == 2)
            .ToList();
        var table = GetTable(tableName);
        lock (table)
        {
            return table.Order
                .Select(id => table.Records[id])
                .Where(record => terms.All(t => string.Equals(record[t[0]]?.ToString(), t[1], StringComparison.Ordinal)))
                .Take(limit)
                .Select(record => (JsonObject)record.DeepClone())
                .ToList();
        }
    }

    /// <summary>A partial update; the error is ServiceNow's own wording when a data policy refuses it.</summary>
    public (JsonObject? Record, string? PolicyError) Update(string tableName, string sysId, JsonObject fields)
    {
        var table = GetTable(tableName);
        lock (table)
        {
            if (!table.Records.TryGetValue(sysId, out var record))
            {
                return (null, null);
            }

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
                    return (null, $"Data Policy Exception: The following fields are mandatory: {string.Join(", ", missing)}");
                }
            }

            Merge(record, fields);
            record["active"] = record["state"]?.ToString() is "6" or "7" or "8" ? "false" : "true";
            record["sys_updated_on"] = Now();
            return ((JsonObject)record.DeepClone(), null);
        }
    }

    public bool Delete(string tableName, string sysId)
    {
        var table = GetTable(tableName);
        lock (table)
        {
            table.Order.Remove(sysId);
            return table.Records.Remove(sysId);
        }
    }

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

    private string Now() => timeProvider.GetUtcNow().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private Table GetTable(string name)
    {
        lock (_tables)
        {
            if (!_tables.TryGetValue(name, out var table))
            {
                table = new Table(name.ToLowerInvariant() switch
                {
                    "incident" => "INC",
                    "sn_customerservice_case" => "CS",
                    "problem" => "PRB",
                    _ => "TKT",
                });
                _tables[name] = table;
            }

            return table;
        }
    }

    private sealed class Table(string prefix)
    {
        public string Prefix { get; } = prefix;

        // ServiceNow's demo data ends near INC0010000; new numbers continue from there.
        public int Counter { get; set; } = 10000;

        public Dictionary<string, JsonObject> Records { get; } = new(StringComparer.Ordinal);

        public List<string> Order { get; } = [];
    }
}
