using System.Text.Json;

namespace CloudAlmBridge.Mapping;

/// <summary>What a response section read from the ticket system's answer.</summary>
/// <param name="TicketId">
/// The ticket system's own id: through <c>externalIdProperty</c> when the operation has one, else the response
/// section's <c>externalId</c>; null when neither gave a value.
/// </param>
/// <param name="Fields">The response section evaluated against the answer below <c>responseRoot</c> (a JSON object).</param>
public sealed record MappedResponse(string? TicketId, JsonElement Fields)
{
    /// <summary>A field of the response section as text; null when absent or empty.</summary>
    public string? GetText(string name)
    {
        if (Fields.ValueKind != JsonValueKind.Object || !Fields.TryGetProperty(name, out var value))
        {
            return null;
        }

        var text = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Null or JsonValueKind.Undefined => null,
            _ => value.GetRawText(),
        };
        return string.IsNullOrEmpty(text) ? null : text;
    }
}
