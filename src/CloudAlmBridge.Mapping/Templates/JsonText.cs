using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
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
            case JsonValueKind.Object:
            case JsonValueKind.Array:
                text.Append(Compact(value));
                break;
            default:
                text.Append(value.GetRawText());
                break;
        }
    }

    /// <summary>Objects and arrays as compact JSON, whatever the source's layout; non-ASCII text kept readable.</summary>
    private static string Compact(JsonElement value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            value.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
