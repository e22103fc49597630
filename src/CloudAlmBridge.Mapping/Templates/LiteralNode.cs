using System.Text.Json;

namespace CloudAlmBridge.Mapping.Templates;

/// <summary>A value with no placeholder: numbers, booleans, null and plain strings are written as they stand.</summary>
internal sealed class LiteralNode(JsonElement value) : TemplateNode
{
    public static readonly LiteralNode EmptyString = new(JsonDocument.Parse("\"\"").RootElement);

    // Its text inside a longer string, worked out once.
    private readonly string _text = value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Null or JsonValueKind.Undefined => string.Empty,
        _ => value.GetRawText(),
    };

    public JsonElement Value => value;

    public override void Write(Utf8JsonWriter writer, in MappingContext context) => value.WriteTo(writer);

    public override void AppendText(TextBuffer text, in MappingContext context)
    {
        if (value.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
        {
            JsonText.Append(text, value);
        }
        else
        {
            text.Append(_text);
        }
    }
}
