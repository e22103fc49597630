using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace CloudAlmBridge.Mapping.Templates;

/// <summary>How a JSON value reads as text inside a longer string (docs/api.md §6).</summary>
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

        // Runs between escapes are copied as they are; each escape is decoded (the document was validated on parse).
        while (raw.Length > 0)
        {
            var escape = raw.IndexOf((byte)'\\');
            if (escape < 0)
            {
                text.AppendUtf8(raw);
                return;
            }

            text.AppendUtf8(raw[..escape]);
            var code = raw[escape + 1];
            if (code == (byte)'u')
            {
                text.Append((char)ushort.Parse(raw.Slice(escape + 2, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture));
                raw = raw[(escape + 6)..];
                continue;
            }

            text.Append(code switch
            {
                (byte)'n' => '\n',
                (byte)'r' => '\r',
                (byte)'t' => '\t',
                (byte)'b' => '\b',
                (byte)'f' => '\f',
                _ => (char)code, // \" \\ \/
            });
            raw = raw[(escape + 2)..];
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
