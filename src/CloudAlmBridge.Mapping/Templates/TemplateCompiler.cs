using System.Text;
using System.Text.Json;

namespace CloudAlmBridge.Mapping.Templates;

/// <summary>
/// Turns JSON templates into <see cref="TemplateNode"/> trees once, collecting every error with its JSON path, so that
/// evaluation never re-parses a template string.
/// </summary>
internal sealed class TemplateCompiler(IReadOnlyDictionary<string, SwitchDefinition> switches, List<MappingError> errors)
{
    private static readonly string[] Functions = ["@USER_VAR(name)", "@CLOUD_ALM_URL", "@CLOUD_ALM_EXTERNAL_ID"];

    // Cloud ALM's own rule-based rules (maps, expressions, constants, choices) are not publicly specified, so the bridge
    // cannot read them; what it can read is the same mapping rewritten as a payload-based document.
    private const string ConvertHint =
        "convert the mapping to a payload-based one: write the request as a JSON template under 'structure.request' "
        + "('#{attribute}' where a value comes from the situation, '${SWITCH(name,attribute)}' for a choice, plain JSON "
        + "for a constant), the response under 'structure.response', and keep 'switches' and 'eventTypeMapping'; "
        + "docs/mappings.md, 'Converting a rule-based mapping', shows it on an example";

    /// <summary>
    /// When set, the name of every switch the compiled templates call is added here: a switch's own cases and default
    /// are compiled with one, so that <see cref="SwitchGraph"/> can find cycles and measure nesting.
    /// </summary>
    public ISet<string>? CalledSwitches { get; init; }

    public TemplateNode Compile(JsonElement template, string path) => template.ValueKind switch
    {
        JsonValueKind.Object => CompileObject(template, path),
        JsonValueKind.Array => CompileArray(template, path),
        JsonValueKind.String => CompileString(template, path),
        _ => new LiteralNode(template.Clone()),
    };

    private ObjectNode CompileObject(JsonElement template, string path)
    {
        var properties = new List<KeyValuePair<JsonEncodedText, TemplateNode>>();
        foreach (var property in template.EnumerateObject())
        {
            properties.Add(new(
                JsonEncodedText.Encode(property.Name),
                Compile(property.Value, JsonPaths.Property(path, property.Name))));
        }

        return new ObjectNode(properties);
    }

    private ArrayNode CompileArray(JsonElement template, string path)
    {
        var items = new List<TemplateNode>();
        var index = 0;
        foreach (var item in template.EnumerateArray())
        {
            items.Add(Compile(item, $"{path}[{index++}]"));
        }

        return new ArrayNode(items);
    }

    private TemplateNode CompileString(JsonElement template, string path)
    {
        var segments = ParseText(template.GetString()!, path);
        return segments switch
        {
            null => LiteralNode.EmptyString,
            [] => new LiteralNode(template.Clone()),
            [{ Expression: { } only }] => new SingleExpressionNode(only),
            _ when segments.All(s => s.Expression is null) =>
                new LiteralNode(JsonDocument.Parse(JsonSerializer.Serialize(string.Concat(segments.Select(s => s.Literal)))).RootElement),
            _ => new TextNode(segments),
        };
    }

    /// <summary>
    /// The older rule-based form: a flat object of <c>"target": "source"</c> rules. A source with a placeholder is a
    /// template; a bare name is an attribute (<c>"short_description": "subject"</c> reads <c>#{subject}</c>); numbers,
    /// booleans and null are literals. Nesting is what payload-based mappings are for.
    /// </summary>
    public TemplateNode? CompileRules(JsonElement rules, string path)
    {
        if (rules.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new MappingError(path, "rule-based rules must be a JSON object of \"target\": \"source\" pairs", ConvertHint));
            return null;
        }

        var properties = new List<KeyValuePair<JsonEncodedText, TemplateNode>>();
        foreach (var rule in rules.EnumerateObject())
        {
            var rulePath = JsonPaths.Property(path, rule.Name);
            TemplateNode node;
            switch (rule.Value.ValueKind)
            {
                case JsonValueKind.Object or JsonValueKind.Array:
                    errors.Add(new MappingError(rulePath, "rule-based mappings are flat", ConvertHint));
                    continue;
                case JsonValueKind.String when rule.Value.GetString() is { Length: > 0 } source
                                              && !source.Contains("#{", StringComparison.Ordinal)
                                              && !source.Contains("${", StringComparison.Ordinal):
                    var attribute = ParseHash(source, rulePath);
                    if (attribute is null)
                    {
                        continue;
                    }

                    node = new SingleExpressionNode(attribute);
                    break;
                default:
                    node = Compile(rule.Value, rulePath);
                    break;
            }

            properties.Add(new(JsonEncodedText.Encode(rule.Name), node));
        }

        return new ObjectNode(properties);
    }

    /// <summary>Compiles a text template (a path); null when it had errors.</summary>
    public TextNode? CompileText(string text, string path)
    {
        var segments = ParseText(text, path);

        // Nothing to substitute is still text: a path such as "/close" is appended as written (docs/api.md §6).
        return segments switch
        {
            null => null,
            [] => new TextNode(text.Length == 0 ? [] : [new TextSegment(text, null)]),
            _ => new TextNode(segments),
        };
    }

    /// <summary>
    /// Splits a string into literal text and placeholders. <c>##{</c> and <c>$${</c> write a literal <c>#{</c> and
    /// <c>${</c>. Returns an empty list for a string with nothing to substitute, null when it had errors.
    /// </summary>
    private List<TextSegment>? ParseText(string text, string path)
    {
        var segments = new List<TextSegment>();
        var literal = new StringBuilder();
        var hadEscape = false;
        var failed = false;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            var isMarker = c is '#' or '$';
            if (isMarker && i + 2 < text.Length && text[i + 1] == c && text[i + 2] == '{')
            {
                literal.Append(c).Append('{');
                hadEscape = true;
                i += 3;
                continue;
            }

            if (!isMarker || i + 1 >= text.Length || text[i + 1] != '{')
            {
                literal.Append(c);
                i++;
                continue;
            }

            var close = text.IndexOf('}', i + 2);
            if (close < 0)
            {
                errors.Add(new MappingError(path, $"unclosed placeholder '{text[i..]}'", "close it with '}', or write '##{' for a literal '#{'"));
                return null;
            }

            var body = text[(i + 2)..close];
            var expression = c == '#' ? ParseHash(body, path) : ParseDollar(body, path);
            if (expression is null)
            {
                failed = true;
            }
            else
            {
                if (literal.Length > 0)
                {
                    segments.Add(new TextSegment(literal.ToString(), null));
                    literal.Clear();
                }

                segments.Add(new TextSegment(null, expression));
            }

            i = close + 1;
        }

        if (failed)
        {
            return null;
        }

        if (segments.Count == 0 && !hadEscape)
        {
            return [];
        }

        if (literal.Length > 0)
        {
            segments.Add(new TextSegment(literal.ToString(), null));
        }

        return segments;
    }

    private Expression? ParseHash(string body, string path)
    {
        body = body.Trim();
        if (body.Length == 0)
        {
            errors.Add(new MappingError(path, "empty placeholder '#{}'", "name an attribute, e.g. '#{subject}'"));
            return null;
        }

        if (body[0] != '@')
        {
            if (body == "externalId")
            {
                return new VariableExpression(VariableKind.ExternalId);
            }

            var segments = body.Split('.');
            if (segments.Any(s => s.Length == 0))
            {
                errors.Add(new MappingError(path, $"invalid attribute path '{body}'", "write a dot path such as 'tags.status'"));
                return null;
            }

            return new AttributeExpression(segments);
        }

        if (body == "@CLOUD_ALM_URL")
        {
            return new VariableExpression(VariableKind.CloudAlmUrl);
        }

        if (body == "@CLOUD_ALM_EXTERNAL_ID")
        {
            return new VariableExpression(VariableKind.ExternalId);
        }

        if (body.StartsWith("@USER_VAR(", StringComparison.Ordinal))
        {
            var name = body.EndsWith(')') ? body["@USER_VAR(".Length..^1].Trim() : string.Empty;
            if (name.Length == 0)
            {
                errors.Add(new MappingError(path, $"invalid user variable '#{{{body}}}'", "write '#{@USER_VAR(name)}'"));
                return null;
            }

            return new VariableExpression(VariableKind.UserVariable, name);
        }

        var function = body.Split('(')[0];
        errors.Add(new MappingError(path, $"unknown function '{function}'", Suggestions.DidYouMean(function, Functions)
            ?? "the functions are " + string.Join(", ", Functions)));
        return null;
    }

    private Expression? ParseDollar(string body, string path)
    {
        body = body.Trim();
        var open = body.IndexOf('(');
        var function = open < 0 ? body : body[..open].Trim();
        if (!string.Equals(function, "SWITCH", StringComparison.Ordinal))
        {
            errors.Add(new MappingError(path, $"unknown function '{function}'", "the only '${...}' function is SWITCH(name,attribute)"));
            return null;
        }

        var arguments = body.EndsWith(')') && open >= 0 ? body[(open + 1)..^1].Split(',') : [];
        if (arguments.Length != 2 || arguments.Any(a => a.Trim().Length == 0))
        {
            errors.Add(new MappingError(path, $"invalid switch call '${{{body}}}'", "write '${SWITCH(switchName,attribute)}'"));
            return null;
        }

        var name = arguments[0].Trim();
        var attributeText = arguments[1].Trim();
        var attribute = ParseHash(attributeText, path);
        if (!switches.TryGetValue(name, out var definition))
        {
            errors.Add(new MappingError(path, $"unknown switch '{name}'", Suggestions.DidYouMean(name, switches.Keys)
                ?? (switches.Count == 0 ? "the document defines no switches" : "the switches are " + string.Join(", ", switches.Keys))));
            return null;
        }

        CalledSwitches?.Add(name);
        return attribute is null ? null : new SwitchExpression(definition, attribute);
    }
}
