using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace CloudAlmBridge.Mapping.Templates;

/// <summary>How a JSON value reads as text inside a longer string (contract §6).</summary>
internal static class JsonText
{
    /// <summary>Strings as they are, numbers and booleans as JSON writes them, null as nothing, objects as JSON.</summary>
    public static void Append(TextBuffer text, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                AppendString(text, value);
                break;
            case JsonValueKind.Null:
            case JsonValueKind.Undefined:
                break;
            case JsonValueKind.Object:
            case JsonValueKind.Array:
                text.Append(Compact(value));
                break;
            default:
                // Numbers and booleans: their JSON text is plain ASCII.
                text.AppendUtf8(JsonMarshal.GetRawUtf8Value(value));
                break;
        }
    }

    /// <summary>A string's value without allocating, unless it holds JSON escapes that must be decoded.</summary>
    private static void AppendString(TextBuffer text, JsonElement value)
    {
        var raw = JsonMarshal.GetRawUtf8Value(value);
        if (raw.Length >= 2 && raw[0] == (byte)'"')
        {
            raw = raw[1..^1];
        }

        if (raw.IndexOf((byte)'\\') < 0)
        {
            text.AppendUtf8(raw);
        }
        else
        {
            text.Append(value.GetString());
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
