using System.Runtime.InteropServices;
using System.Text.Json;

namespace CloudAlmBridge.Mapping.Templates;

/// <summary>A compiled entry of the document's <c>switches</c>.</summary>
/// <remarks>
/// Cases are compared in order and case-sensitively with the attribute's text. A missing or null attribute matches a
/// <c>null</c> case first, else a <c>""</c> case (contract §6). Comparison happens on the JSON value itself, so a switch
/// allocates nothing.
/// </remarks>
internal sealed class SwitchDefinition(string name, IReadOnlyList<SwitchCase> cases, TemplateNode fallback)
{
    public string Name => name;

    public TemplateNode Select(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Null or JsonValueKind.Undefined:
                return SelectMissing();
            case JsonValueKind.String:
                foreach (var @case in cases)
                {
                    if (@case.When is not null && value.ValueEquals(@case.When))
                    {
                        return @case.Then;
                    }
                }

                return fallback;
            case JsonValueKind.Object or JsonValueKind.Array:
                return Select(value.GetRawText());
            default:
                // Numbers and booleans compare by their JSON text: 1 matches "1", true matches "true".
                var raw = JsonMarshal.GetRawUtf8Value(value);
                foreach (var @case in cases)
                {
                    if (@case.WhenUtf8 is not null && raw.SequenceEqual(@case.WhenUtf8))
                    {
                        return @case.Then;
                    }
                }

                return fallback;
        }
    }

    public TemplateNode Select(string text)
    {
        foreach (var @case in cases)
        {
            if (@case.When is not null && string.Equals(@case.When, text, StringComparison.Ordinal))
            {
                return @case.Then;
            }
        }

        return fallback;
    }

    public TemplateNode SelectMissing()
    {
        foreach (var @case in cases)
        {
            if (@case.When is null)
            {
                return @case.Then;
            }
        }

        return Select(string.Empty);
    }
}
