using System.Text.Json;

namespace CloudAlmBridge.Mapping.Templates;

/// <summary><c>${SWITCH(name,attr)}</c>: the first case whose <c>when</c> equals the attribute's text, else the default.</summary>
internal sealed class SwitchExpression(SwitchDefinition definition, Expression attribute) : Expression
{
    public SwitchDefinition Definition => definition;

    public override void WriteValue(Utf8JsonWriter writer, in MappingContext context) => Select(context).Write(writer, context);

    public override void AppendText(TextBuffer text, in MappingContext context) => Select(context).AppendText(text, context);

    private TemplateNode Select(in MappingContext context) => attribute switch
    {
        AttributeExpression path => path.TryResolve(context.Source, out var value)
            ? definition.Select(value)
            : definition.SelectMissing(),
        VariableExpression variable => definition.Select(variable.Resolve(context)),
        _ => definition.SelectMissing(),
    };
}
