using System.Runtime.InteropServices;
using System.Text.Json;

namespace CloudAlmBridge.Mapping.Templates;

/// <summary>A compiled entry of the document's <c>switches</c>.</summary>
/// <remarks>
/// Cases are compared in order and case-sensitively with the attribute's text. A missing or null attribute matches a
/// <c>null</c> case first, else a <c>""</c> case (docs/api.md §6). Comparison happens on the JSON value itself, so a switch
/// allocates nothing.
/// A definition is made in two steps: every switch is named first and its cases compiled after, because a case's
/// <c>then</c> or a <c>default</c> may call any switch of the document, also one defined further down (SAP: "In a
/// switch, it is also possible to use expressions or embedded switches"). The document refuses cycles before it
/// is ever evaluated (see <see cref="SwitchGraph"/>).
/// </remarks>
internal sealed class SwitchDefinition(string name)
{
    private IReadOnlyList<SwitchCase> _cases = [];
    private TemplateNode _fallback = LiteralNode.EmptyString;

    public string Name => name;

    /// <summary>Sets the compiled cases and default; called once, while the document compiles.</summary>
    public void Define(IReadOnlyList<SwitchCase> cases, TemplateNode fallback)
    {
        _cases = cases;
        _fallback = fallback;
    }

    public TemplateNode Select(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Null or JsonValueKind.Undefined:
                return SelectMissing();
            case JsonValueKind.String:
                foreach (var @case in _cases)
                {
                    if (@case.When is not null && value.ValueEquals(@case.When))
                    {
                        return @case.Then;
                    }
                }

                return _fallback;
            case JsonValueKind.Object or JsonValueKind.Array:
                return Select(value.GetRawText());
            default:
                // Numbers and booleans compare by their JSON text: 1 matches "1", true matches "true".
                var raw = JsonMarshal.GetRawUtf8Value(value);
                foreach (var @case in _cases)
                {
                    if (@case.WhenUtf8 is not null && raw.SequenceEqual(@case.WhenUtf8))
                    {
                        return @case.Then;
                    }
                }

                return _fallback;
        }
    }

    public TemplateNode Select(string text)
    {
        foreach (var @case in _cases)
        {
            if (@case.When is not null && string.Equals(@case.When, text, StringComparison.Ordinal))
            {
                return @case.Then;
            }
        }

        return _fallback;
    }

    public TemplateNode SelectMissing()
    {
        foreach (var @case in _cases)
        {
            if (@case.When is null)
            {
                return @case.Then;
            }
        }

        return Select(string.Empty);
    }
}
