using System.Text.Json;

namespace CloudAlmBridge.Mapping.Templates;

/// <summary>A string mixing literal text and placeholders: always written as a JSON string.</summary>
internal sealed class TextNode(IReadOnlyList<TextSegment> segments) : TemplateNode
{
    public IReadOnlyList<TextSegment> Segments => segments;

    /// <summary>Written from a reused buffer straight into the writer: no string is made for the text.</summary>
    public override void Write(Utf8JsonWriter writer, in MappingContext context)
    {
        var text = TextBuffer.Rent();
        AppendText(text, context);
        writer.WriteStringValue(text.Span);
        TextBuffer.Return(text);
    }

    public override void AppendText(TextBuffer text, in MappingContext context)
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
        var text = TextBuffer.Rent();
        if (!escapeValues)
        {
            AppendText(text, context);
        }
        else
        {
            var value = new TextBuffer();
            foreach (var segment in segments)
            {
                if (segment.Expression is null)
                {
                    text.Append(segment.Literal);
                    continue;
                }

                value.Clear();
                segment.Expression.AppendText(value, context);
                text.Append(Uri.EscapeDataString(value.Span));
            }
        }

        var result = text.ToString();
        TextBuffer.Return(text);
        return result;
    }
}
