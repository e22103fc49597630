using System.Text;
using System.Text.Json;

namespace CloudAlmBridge.Mapping.Templates;

/// <summary>How a JSON value reads as text inside a longer string (contract §6).</summary>
internal static class JsonText
{
    /// <summary>Strings as they are, numbers and booleans as JSON writes them, null as nothing, objects as JSON.</summary>
    public static void Append(StringBuilder text, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                text.Append(value.GetString());
                break;
            case JsonValueKind.Null:
            case JsonValueKind.Undefined:
                break;
            default:
                text.Append(value.GetRawText());
                break;
        }
    }
}
