using CloudAlmBridge.Mapping.Templates;

namespace CloudAlmBridge.Mapping;

/// <summary>
/// A path outside a mapping document written with the mapping's placeholders (<c>?externalRef=#{id}</c>,
/// <c>#{@USER_VAR(x)}</c>), such as a webhook's look-up: rendered like an operation's <c>path</c>, values percent-encoded.
/// </summary>
public sealed class PathTemplate
{
    private readonly TextNode _text;

    private PathTemplate(TextNode text) => _text = text;

    /// <summary>The compiled template, or null with the errors (at <paramref name="path"/>) when it has any.</summary>
    public static PathTemplate? Compile(string text, string path, out IReadOnlyList<MappingError> errors)
    {
        var found = new List<MappingError>();
        var node = new TemplateCompiler(new Dictionary<string, SwitchDefinition>(), found).CompileText(text, path);
        errors = found;
        return node is null || found.Count > 0 ? null : new PathTemplate(node);
    }

    public string Render(in MappingContext context) => _text.Render(context, escapeValues: true);
}
