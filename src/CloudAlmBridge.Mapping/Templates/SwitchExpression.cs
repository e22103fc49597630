using System.Text;
using System.Text.Json;

namespace CloudAlmBridge.Mapping.Templates;

/// <summary><c>${SWITCH(name,attr)}</c>: the first case whose <c>when</c> equals the attribute's text, else the default.</summary>
internal sealed class SwitchExpression(SwitchDefinition definition, Expression attribute) : Expression
{
    public SwitchDefinition Definition => definition;

    public override void WriteValue(Utf8JsonWriter writer, in MappingContext context) =>
        definition.Select(ResolveText(context)).Write(writer, context);

    public override void AppendText(StringBuilder text, in MappingContext context) =>
        definition.Select(ResolveText(context)).AppendText(text, context);

    private string? ResolveText(in MappingContext context) => attribute switch
    {
        AttributeExpression path => path.ResolveText(context),
        VariableExpression variable => variable.Resolve(context),
        _ => null,
    };
}
