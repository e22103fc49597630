using CloudAlmBridge.Mapping.Templates;

namespace CloudAlmBridge.Mapping;

/// <summary>
/// A key built from a situation's attributes with the mapping's placeholders (<c>#{serviceId}|#{eventName}</c>): what
/// tells that two situations are about the same thing (the lifecycle's reopen, and a grouping key). Rendered as text,
/// values as they are.
/// </summary>
public sealed class KeyTemplate
{
    private readonly TextNode _text;

    private KeyTemplate(TextNode text, string source)
    {
        _text = text;
        Source = source;
    }

    /// <summary>The template as written.</summary>
    public string Source { get; }

    /// <summary>The compiled template, or null with the errors (at <paramref name="path"/>) when it has any.</summary>
    public static KeyTemplate? Compile(string text, string path, out IReadOnlyList<MappingError> errors)
    {
        var found = new List<MappingError>();
        var node = new TemplateCompiler(new Dictionary<string, SwitchDefinition>(), found).CompileText(text, path);
        errors = found;
        return node is null || found.Count > 0 ? null : new KeyTemplate(node, text);
    }

    /// <summary>
    /// The key, or null when one of its placeholders is empty or missing: a key with a hole would match situations that
    /// have nothing in common but the attribute they lack.
    /// </summary>
    public string? Render(in MappingContext context)
    {
        var value = new TextBuffer();
        foreach (var segment in _text.Segments)
        {
            if (segment.Expression is null)
            {
                continue;
            }

            value.Clear();
            segment.Expression.AppendText(value, context);
            if (value.Span.IsWhiteSpace())
            {
                return null;
            }
        }

        return _text.Render(context, escapeValues: false);
    }
}
