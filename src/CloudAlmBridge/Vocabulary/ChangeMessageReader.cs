using System.Text.Json;
using CloudAlmBridge.Mapping;

namespace CloudAlmBridge.Vocabulary;

/// <summary>Parses and validates a change message, listing every problem (docs/api.md §2: 400 lists them all).</summary>
internal static class ChangeMessageReader
{
    /// <summary>The longest situation id taken: room for any id scheme, short enough for ServiceNow's correlation_id.</summary>
    public const int MaxSituationIdLength = 100;

    public const string SituationIdRule = "at most 100 letters, digits and . _ : - (Cloud ALM's ids are GUIDs)";

    /// <summary>
    /// Cloud ALM's situation ids are GUIDs. The id becomes a key in the store, a path segment, and the value of a
    /// ServiceNow query (<c>correlation_id=…</c>): a <c>^</c> or <c>=</c> in it would add conditions to that query and
    /// could link the situation to somebody else's incident, so only plain characters pass.
    /// </summary>
    public static bool IsSituationId(string value) => value.Length is > 0 and <= MaxSituationIdLength
        && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or ':' or '-');

    public static (ChangeMessage? Message, IReadOnlyList<string> Problems) Read(ReadOnlyMemory<byte> body)
    {
        using var document = JsonInput.Parse(body, "message", out var problem);
        return document is null ? (null, [problem!]) : Read(document.RootElement);
    }

    /// <summary>
    /// Validates a change message already parsed, and already checked by <see cref="JsonInput"/> (by the route that
    /// took it: the events route, the preview, or at acceptance for a stored one). A preview passes <paramref name="eventSituationsOnly"/> false: it
    /// may try a mapping on any resource's messages (SAP's workflow mappings take <c>WORKFLOW.STARTED</c>).
    /// </summary>
    public static (ChangeMessage? Message, IReadOnlyList<string> Problems) Read(JsonElement root, bool eventSituationsOnly = true)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return (null, ["the body must be a JSON object {subscriptionId, resourceType, eventType, resourceId, resource}"]);
        }

        var problems = new List<string>();
        var subscriptionId = OptionalString(root, "subscriptionId", problems);
        var resourceType = RequiredString(root, "resourceType", problems);
        var eventType = RequiredString(root, "eventType", problems);
        var resourceId = OptionalString(root, "resourceId", problems);
        if (eventSituationsOnly && eventType is not null && !EventTypes.All.Contains(eventType))
        {
            problems.Add($"eventType: '{eventType}' is not one of {string.Join(", ", EventTypes.All)}");
        }

        JsonElement resource = default;
        if (!root.TryGetProperty("resource", out resource) || resource.ValueKind != JsonValueKind.Object)
        {
            problems.Add("resource: required, a JSON object (the event situation)");
        }
        else if (!resource.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String || id.GetString()!.Trim().Length == 0)
        {
            problems.Add("resource.id: required, the event situation's id as a non-empty string");
        }
        else if (!IsSituationId(id.GetString()!))
        {
            problems.Add($"resource.id: {SituationIdRule}");
        }

        if (problems.Count > 0)
        {
            return (null, problems);
        }

        return (new ChangeMessage
        {
            SubscriptionId = subscriptionId,
            ResourceType = resourceType!,
            EventType = eventType!,
            ResourceId = resourceId,
            Resource = resource.Clone(),
        }, problems);
    }

    private static string? RequiredString(JsonElement root, string name, List<string> problems)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String || value.GetString()!.Length == 0)
        {
            problems.Add($"{name}: required, a non-empty string");
            return null;
        }

        return value.GetString();
    }

    private static string? OptionalString(JsonElement root, string name, List<string> problems)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            problems.Add($"{name}: must be a string");
            return null;
        }

        return value.GetString();
    }
}
