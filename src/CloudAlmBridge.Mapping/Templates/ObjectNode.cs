using System.Text.Json;

namespace CloudAlmBridge.Mapping.Templates;

internal sealed class ObjectNode(IReadOnlyList<KeyValuePair<JsonEncodedText, TemplateNode>> properties) : TemplateNode
{
    public IReadOnlyList<KeyValuePair<JsonEncodedText, TemplateNode>> Properties => properties;

    public override void Write(Utf8JsonWriter writer, in MappingContext context)
    {
        writer.WriteStartObject();
        foreach (var (name, value) in properties)
        {
            writer.WritePropertyName(name);
            value.Write(writer, context);
        }

        writer.WriteEndObject();
    }
}
