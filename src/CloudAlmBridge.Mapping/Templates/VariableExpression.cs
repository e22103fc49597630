using System.Text.Json;

namespace CloudAlmBridge.Mapping.Templates;

/// <summary>
/// The built-in variables: <c>#{@USER_VAR(x)}</c>, <c>#{@CLOUD_ALM_URL}</c>, and <c>#{externalId}</c> /
/// <c>#{@CLOUD_ALM_EXTERNAL_ID}</c>. Each is text; an undefined one is <c>""</c>.
/// </summary>
internal sealed class VariableExpression(VariableKind kind, string? name = null) : Expression
{
    public VariableKind Kind => kind;

    public string? Name => name;

    public string Resolve(in MappingContext context) => kind switch
    {
        VariableKind.UserVariable when context.UserVariables is not null
            && context.UserVariables.TryGetValue(name!, out var value) => value,
        VariableKind.CloudAlmUrl => context.CloudAlmUrl ?? string.Empty,
        VariableKind.ExternalId => context.ExternalId ?? string.Empty,
        _ => string.Empty,
    };

    public override void WriteValue(Utf8JsonWriter writer, in MappingContext context) =>
        writer.WriteStringValue(Resolve(context));

    public override void AppendText(TextBuffer text, in MappingContext context) => text.Append(Resolve(context));
}
