using System.Globalization;
using System.Text.Json;

namespace CloudAlmBridge.Mapping.Templates;

/// <summary><c>#{a.b.c}</c>: a dot path into the source; a missing attribute gives <c>""</c>.</summary>
internal sealed class AttributeExpression(string[] segments) : Expression
{
    public IReadOnlyList<string> Segments => segments;

    public bool TryResolve(JsonElement source, out JsonElement value)
    {
        value = source;
        foreach (var segment in segments)
        {
            switch (value.ValueKind)
            {
                case JsonValueKind.Object when value.TryGetProperty(segment, out var child):
                    value = child;
                    break;
                case JsonValueKind.Array when int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var index)
                                              && index < value.GetArrayLength():
                    value = value[index];
                    break;
                default:
                    value = default;
                    return false;
            }
        }

        return true;
    }

    public override void WriteValue(Utf8JsonWriter writer, in MappingContext context)
    {
        // docs/api.md §6: a missing attribute still gives "", but a JSON null stays null.
        if (TryResolve(context.Source, out var value))
        {
            value.WriteTo(writer);
        }
        else
        {
            writer.WriteStringValue(string.Empty);
        }
    }

    public override void AppendText(TextBuffer text, in MappingContext context)
    {
        if (TryResolve(context.Source, out var value))
        {
            JsonText.Append(text, value);
        }
    }

}
