using System.Text.Json;

namespace CloudAlmBridge.Mapping.Templates;

/// <summary>A JSON string that is exactly one placeholder: it takes the value's own JSON type (docs/api.md §6).</summary>
internal sealed class SingleExpressionNode(Expression expression) : TemplateNode
{
    public Expression Expression => expression;

    public override void Write(Utf8JsonWriter writer, in MappingContext context) => expression.WriteValue(writer, context);

    public override void AppendText(TextBuffer text, in MappingContext context) => expression.AppendText(text, context);
}
