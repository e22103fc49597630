using System.Text.Json;
using System.Text.RegularExpressions;

namespace CloudAlmBridge.TicketSystems;

/// <summary>
/// Says which field a ServiceNow data policy wanted, in terms an operator can act on: the field's name, what the bridge
/// sent in it, and which user variable the built-in mappings fill it from.
/// </summary>
/// <remarks>
/// ServiceNow refuses a write that breaks a data policy with <c>403</c> (REST API HTTP response codes: "business rule
/// or data policy constraints") and its error envelope, e.g.
/// <c>{"error":{"message":"Operation Failed","detail":"Data Policy Exception: The following fields are mandatory:
/// Resolution code, Resolution notes"},"status":"failure"}</c>. The message names fields by their labels, not by their
/// names; the labels below are those of the base system for the fields the built-in mappings write.
/// </remarks>
internal static partial class ServiceNowDataPolicy
{
    private static readonly Field[] IncidentFields =
    [
        new("close_code", "Resolution code", "closeCode"),
        new("close_notes", "Resolution notes", null),
        new("caller_id", "Caller", "caller"),
        new("assignment_group", "Assignment group", "assignmentGroup"),
        new("category", "Category", "category"),
        new("contact_type", "Channel", "contactType"),
        new("short_description", "Short description", null),
        new("description", "Description", null),
        new("urgency", "Urgency", null),
        new("impact", "Impact", null),
        new("work_notes", "Work notes", null),
    ];

    private static readonly Field[] CaseFields =
    [
        new("resolution_code", "Resolution code", "resolutionCode"),
        new("close_notes", "Resolution notes", null),
        new("account", "Account", "account"),
        new("contact", "Contact", "contact"),
        new("assignment_group", "Assignment group", "assignmentGroup"),
        new("category", "Category", "category"),
        new("contact_type", "Channel", null),
        new("short_description", "Short description", null),
        new("description", "Description", null),
        new("priority", "Priority", null),
        new("work_notes", "Work notes", null),
    ];

    /// <summary>
    /// For a 403 whose message lists mandatory fields: one sentence naming each, else null (any other refusal).
    /// </summary>
    public static string? Explain(string? targetMessage, string resourcePath, byte[]? requestBody)
    {
        if (targetMessage is null || MandatoryFields().Match(targetMessage) is not { Success: true } match)
        {
            return null;
        }

        var labels = match.Groups["labels"].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (labels.Length == 0)
        {
            return null;
        }

        var known = resourcePath.TrimEnd('/').EndsWith("/sn_customerservice_case", StringComparison.OrdinalIgnoreCase) ? CaseFields : IncidentFields;
        var sent = Sent(requestBody);
        var parts = labels.Select(label =>
        {
            var field = known.FirstOrDefault(f => string.Equals(f.Label, label, StringComparison.OrdinalIgnoreCase));
            if (field is null)
            {
                return $"{label} (a field the built-in mappings do not write: add it to a mapping of your own, see docs/mappings.md, 'ServiceNow fields')";
            }

            var source = field.UserVariable is null ? string.Empty : $" the built-in mappings fill it from the user variable {field.UserVariable};";
            return sent.TryGetValue(field.Name, out var value) && value.Length > 0
                ? $"{label} (field {field.Name}, sent as '{value}';{source} ServiceNow drops a value that is not one of the field's choices or records)"
                : $"{label} (field {field.Name}, {(sent.ContainsKey(field.Name) ? "sent empty" : "not sent")};{(source.Length > 0 ? source : " add it to the mapping;")} set it)";
        });
        return $"ServiceNow's data policy wants: {string.Join("; ", parts)}";
    }

    private static Dictionary<string, string> Sent(byte[]? body)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        if (body is null)
        {
            return fields;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in document.RootElement.EnumerateObject())
                {
                    fields[property.Name] = property.Value.ValueKind switch
                    {
                        JsonValueKind.String => property.Value.GetString()!,
                        JsonValueKind.Null => string.Empty,
                        _ => property.Value.GetRawText(),
                    };
                }
            }
        }
        catch (JsonException)
        {
            // The bridge wrote the body itself; a body that is not an object names no fields.
        }

        return fields;
    }

    [GeneratedRegex(@"following fields are mandatory:\s*(?<labels>[^\r\n]+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, 1000)]
    private static partial Regex MandatoryFields();

    private sealed record Field(string Name, string Label, string? UserVariable);
}
