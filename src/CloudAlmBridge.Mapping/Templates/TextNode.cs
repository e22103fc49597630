using System.Text;
using System.Text.Json;

namespace CloudAlmBridge.Mapping.Templates;

/// <summary>A string mixing literal text and placeholders: always written as a JSON string.</summary>
internal sealed class TextNode(IReadOnlyList<TextSegment> segments) : TemplateNode
{
    // One builder per thread: evaluation allocates only the final string.
    [ThreadStatic]
    private static StringBuilder? _cachedBuilder;

    public IReadOnlyList<TextSegment> Segments => segments;

    public override void Write(Utf8JsonWriter writer, in MappingContext context) =>
        writer.WriteStringValue(Render(context, escapeValues: false));

    public override void AppendText(StringBuilder text, in MappingContext context)
    {
        foreach (var segment in segments)
        {
            if (segment.Expression is null)
            {
                text.Append(segment.Literal);
            }
            else
            {
                segment.Expression.AppendText(text, context);
            }
        }
    }

    /// <summary>The text; for a path, placeholder values are percent-encoded and the literal parts kept.</summary>
    public string Render(in MappingContext context, bool escapeValues)
    {
        var text = _cachedBuilder ?? new StringBuilder(256);
        _cachedBuilder = null;
        text.Clear();
        if (!escapeValues)
        {
            AppendText(text, context);
        }
        else
        {
            var value = new StringBuilder();
            foreach (var segment in segments)
            {
                if (segment.Expression is null)
                {
                    text.Append(segment.Literal);
                    continue;
                }

                value.Clear();
                segment.Expression.AppendText(value, context);
                text.Append(Uri.EscapeDataString(value.ToString()));
            }
        }

        var result = text.ToString();
        _cachedBuilder = text;
        return result;
    }
}
