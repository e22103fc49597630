using System.Text.Json;

namespace CloudAlmBridge.Mapping.Templates;

internal sealed class ArrayNode(IReadOnlyList<TemplateNode> items) : TemplateNode
{
    public override void Write(Utf8JsonWriter writer, in MappingContext context)
    {
        writer.WriteStartArray();
        foreach (var item in items)
        {
            item.Write(writer, context);
        }

        writer.WriteEndArray();
    }
}
