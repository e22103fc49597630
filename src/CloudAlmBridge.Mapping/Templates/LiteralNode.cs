using System.Text;
using System.Text.Json;

namespace CloudAlmBridge.Mapping.Templates;

/// <summary>A value with no placeholder: numbers, booleans, null and plain strings are written as they stand.</summary>
internal sealed class LiteralNode(JsonElement value) : TemplateNode
{
    public static readonly LiteralNode EmptyString = new(JsonDocument.Parse("\"\"").RootElement);

    public JsonElement Value => value;

    public override void Write(Utf8JsonWriter writer, in MappingContext context) => value.WriteTo(writer);

    public override void AppendText(StringBuilder text, in MappingContext context) => JsonText.Append(text, value);
}
