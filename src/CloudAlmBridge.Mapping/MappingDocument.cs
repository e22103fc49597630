using System.Text.Json;
using CloudAlmBridge.Mapping.Templates;

namespace CloudAlmBridge.Mapping;

/// <summary>
/// An SAP Cloud ALM mapping document (payload-based, or the older flat rule-based form), parsed and validated once into
/// an immutable plan.
/// Evaluate it through <see cref="FindOperation"/>.
/// </summary>
public sealed class MappingDocument
{
    private static readonly string[] HttpMethods = ["GET", "POST", "PUT", "PATCH", "DELETE"];
    private readonly Dictionary<string, OperationMapping> _operations;

    private MappingDocument(string? name, Dictionary<string, OperationMapping> operations)
    {
        Name = name;
        _operations = operations;
    }

    /// <summary><c>_information._name</c>, when the document has one.</summary>
    public string? Name { get; }

    public IReadOnlyCollection<OperationMapping> Operations => _operations.Values;

    /// <summary>The operation for a change message's <c>eventType</c>, or null when the document has none.</summary>
    public OperationMapping? FindOperation(string eventType) => _operations.GetValueOrDefault(eventType);

    /// <summary>Parses and compiles a document given as JSON text.</summary>
    public static MappingCompilation Compile(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 64 });
            return Compile(document.RootElement);
        }
        catch (JsonException exception)
        {
            // Lines and columns counted from 1, as an editor shows them; the reader's own trailer (0-based) is dropped.
            var reason = exception.Message.Split([" Path:", " LineNumber:"], 2, StringSplitOptions.None)[0].TrimEnd();
            var where = exception.LineNumber is { } line ? $" at line {line + 1}, column {(exception.BytePositionInLine ?? 0) + 1}" : string.Empty;
            return new MappingCompilation(null, [new MappingError(string.Empty, $"not valid JSON{where}: {reason}")]);
        }
    }

    /// <summary>Compiles a document, collecting every error (not only the first) with its JSON path.</summary>
    public static MappingCompilation Compile(JsonElement root)
    {
        var errors = new List<MappingError>();
        if (root.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new MappingError(string.Empty, "a mapping document must be a JSON object"));
            return new MappingCompilation(null, errors);
        }

        var switches = CompileSwitches(root, errors);
        var compiler = new TemplateCompiler(switches, errors);

        TemplateNode? request;
        TemplateNode? response;
        if (IsRuleBased(root))
        {
            request = root.TryGetProperty("request", out var rules) ? compiler.CompileRules(rules, "request") : null;
            response = root.TryGetProperty("response", out rules) ? compiler.CompileRules(rules, "response") : null;
        }
        else
        {
            TryGetObject(root, "structure", "structure", errors, out var structure);
            request = CompileSection(compiler, structure, "request", "structure");
            response = CompileSection(compiler, structure, "response", "structure");
        }

        var operations = new Dictionary<string, OperationMapping>(StringComparer.Ordinal);
        if (!TryGetObject(root, "eventTypeMapping", "eventTypeMapping", errors, out var eventTypeMapping)
            || eventTypeMapping.ValueKind == JsonValueKind.Undefined)
        {
            errors.Add(new MappingError("eventTypeMapping", "missing 'eventTypeMapping.operationMappings'", "add one entry per event type"));
        }
        else if (!eventTypeMapping.TryGetProperty("operationMappings", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            errors.Add(new MappingError("eventTypeMapping.operationMappings", "'operationMappings' must be an array"));
        }
        else
        {
            var index = 0;
            foreach (var entry in list.EnumerateArray())
            {
                var operation = CompileOperation(entry, $"eventTypeMapping.operationMappings[{index++}]", compiler, request, response, errors);
                if (operation is null)
                {
                    continue;
                }

                if (!operations.TryAdd(operation.EventType, operation))
                {
                    errors.Add(new MappingError($"eventTypeMapping.operationMappings[{index - 1}].eventType",
                        $"duplicate eventType '{operation.EventType}'", "each event type may have one operation"));
                }
            }

            // An event-situation mapping that cannot create a ticket can never be updated either.
            if (operations.Keys.Any(k => k.StartsWith(EventTypes.Prefix, StringComparison.Ordinal))
                && !operations.ContainsKey(EventTypes.Created))
            {
                errors.Add(new MappingError("eventTypeMapping.operationMappings",
                    $"no operation for '{EventTypes.Created}'", "add a POST operation that creates the ticket"));
            }
        }

        var name = root.TryGetProperty("_information", out var information) && information.ValueKind == JsonValueKind.Object
            && information.TryGetProperty("_name", out var nameElement) && nameElement.ValueKind == JsonValueKind.String
            ? nameElement.GetString()
            : null;

        return errors.Count > 0
            ? new MappingCompilation(null, errors)
            : new MappingCompilation(new MappingDocument(name, operations), errors);
    }

    /// <summary>
    /// The older rule-based form has top-level <c>request</c>/<c>response</c> rules instead of a <c>structure</c>.
    /// </summary>
    private static bool IsRuleBased(JsonElement root) =>
        !root.TryGetProperty("structure", out _)
        && (root.TryGetProperty("request", out _) || root.TryGetProperty("response", out _));

    private static Dictionary<string, SwitchDefinition> CompileSwitches(JsonElement root, List<MappingError> errors)
    {
        var switches = new Dictionary<string, SwitchDefinition>(StringComparer.Ordinal);
        if (!root.TryGetProperty("switches", out var list) || list.ValueKind == JsonValueKind.Null)
        {
            return switches;
        }

        if (list.ValueKind != JsonValueKind.Array)
        {
            errors.Add(new MappingError("switches", "'switches' must be an array"));
            return switches;
        }

        // Every switch is named before any case is compiled, so that a case's 'then' or a 'default' can call a switch
        // defined further down; what calls what is checked for cycles and depth once all are compiled.
        var entries = new List<(JsonElement Entry, string Path, SwitchDefinition Definition)>();
        var index = 0;
        foreach (var entry in list.EnumerateArray())
        {
            var path = $"switches[{index++}]";
            if (entry.ValueKind != JsonValueKind.Object)
            {
                errors.Add(new MappingError(path, "a switch must be an object with 'name', 'cases' and 'default'"));
                continue;
            }

            if (!entry.TryGetProperty("name", out var nameElement) || nameElement.ValueKind != JsonValueKind.String
                || nameElement.GetString()!.Trim().Length == 0)
            {
                errors.Add(new MappingError($"{path}.name", "a switch needs a non-empty 'name'"));
                continue;
            }

            var name = nameElement.GetString()!.Trim();
            var definition = new SwitchDefinition(name);
            if (!switches.TryAdd(name, definition))
            {
                errors.Add(new MappingError($"{path}.name", $"duplicate switch '{name}'"));
                continue;
            }

            entries.Add((entry, path, definition));
        }

        var graph = new List<SwitchGraph.Node>();
        foreach (var (entry, path, definition) in entries)
        {
            var calls = new HashSet<string>(StringComparer.Ordinal);
            var compiler = new TemplateCompiler(switches, errors) { CalledSwitches = calls };
            var cases = new List<SwitchCase>();
            if (entry.TryGetProperty("cases", out var caseList) && caseList.ValueKind == JsonValueKind.Array)
            {
                var caseIndex = 0;
                foreach (var @case in caseList.EnumerateArray())
                {
                    var casePath = $"{path}.cases[{caseIndex++}]";
                    if (@case.ValueKind != JsonValueKind.Object || !@case.TryGetProperty("when", out var when))
                    {
                        errors.Add(new MappingError(casePath, "a case needs 'when' and 'then'"));
                        continue;
                    }

                    var then = @case.TryGetProperty("then", out var thenElement)
                        ? compiler.Compile(thenElement, $"{casePath}.then")
                        : LiteralNode.EmptyString;
                    string? whenText = when.ValueKind switch
                    {
                        JsonValueKind.Null => null,
                        JsonValueKind.String => when.GetString(),
                        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => when.GetRawText(),
                        _ => AddError(errors, $"{casePath}.when", "'when' must be a string, a number, a boolean or null"),
                    };
                    cases.Add(new SwitchCase(whenText, then));
                }
            }
            else if (entry.TryGetProperty("cases", out _))
            {
                errors.Add(new MappingError($"{path}.cases", "'cases' must be an array"));
            }

            var fallback = entry.TryGetProperty("default", out var defaultElement)
                ? compiler.Compile(defaultElement, $"{path}.default")
                : LiteralNode.EmptyString;
            definition.Define(cases, fallback);
            graph.Add(new SwitchGraph.Node(definition.Name, path, calls));
        }

        SwitchGraph.Validate(graph, errors);
        return switches;
    }

    private static OperationMapping? CompileOperation(JsonElement entry, string path, TemplateCompiler compiler,
        TemplateNode? request, TemplateNode? response, List<MappingError> errors)
    {
        if (entry.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new MappingError(path, "an operation mapping must be an object"));
            return null;
        }

        var eventType = GetString(entry, "eventType", path, errors);
        if (string.IsNullOrWhiteSpace(eventType))
        {
            errors.Add(new MappingError($"{path}.eventType", "missing 'eventType'", $"e.g. '{EventTypes.Created}'"));
        }

        var method = GetString(entry, "operation", path, errors)?.Trim().ToUpperInvariant();
        if (method is null)
        {
            errors.Add(new MappingError($"{path}.operation", "missing 'operation'", "one of " + string.Join(", ", HttpMethods)));
        }
        else if (!HttpMethods.Contains(method))
        {
            errors.Add(new MappingError($"{path}.operation", $"invalid HTTP method '{method}'",
                Suggestions.DidYouMean(method, HttpMethods) ?? "one of " + string.Join(", ", HttpMethods)));
        }

        var pathText = GetString(entry, "path", path, errors);
        if (pathText is { Length: > 0 } && pathText[0] is not ('/' or '?'))
        {
            // Appended to the destination URL and the webhook's path: anything else could change the host the call
            // (with the destination's credentials) goes to, as "@other-host:8080/x" would.
            errors.Add(new MappingError($"{path}.path", $"'{pathText}' must start with '/' or '?'",
                "it is appended to the destination URL and the webhook path, e.g. '/#{externalId}' or '?sysparm_display_value=true'"));
        }

        var pathTemplate = pathText is null ? null : compiler.CompileText(pathText, $"{path}.path");

        var responseRoot = GetString(entry, "responseRoot", path, errors) ?? string.Empty;
        var externalIdProperty = GetString(entry, "externalIdProperty", path, errors);
        if (externalIdProperty is not null && !JsonPointer.IsValid(externalIdProperty))
        {
            errors.Add(new MappingError($"{path}.externalIdProperty", $"'{externalIdProperty}' is not a JSON pointer",
                $"write '/{externalIdProperty}'"));
        }

        TryGetObject(entry, "structure", $"{path}.structure", errors, out var structure);
        var ownRequest = CompileSection(compiler, structure, "request", $"{path}.structure");
        var ownResponse = CompileSection(compiler, structure, "response", $"{path}.structure");

        if (string.IsNullOrWhiteSpace(eventType) || method is null || !HttpMethods.Contains(method))
        {
            return null;
        }

        return new OperationMapping(eventType.Trim(), method, pathTemplate, responseRoot, externalIdProperty,
            ownRequest ?? request, ownResponse ?? response);
    }

    private static TemplateNode? CompileSection(TemplateCompiler compiler, JsonElement structure, string section, string parentPath)
    {
        if (structure.ValueKind != JsonValueKind.Object || !structure.TryGetProperty(section, out var template)
            || template.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return compiler.Compile(template, JsonPaths.Property(parentPath, section));
    }

    private static bool TryGetObject(JsonElement parent, string name, string path, List<MappingError> errors, out JsonElement value)
    {
        if (!parent.TryGetProperty(name, out value) || value.ValueKind == JsonValueKind.Null)
        {
            value = default;
            return true;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new MappingError(path, $"'{name}' must be a JSON object"));
            value = default;
            return false;
        }

        return true;
    }

    private static string? GetString(JsonElement parent, string name, string path, List<MappingError> errors)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            errors.Add(new MappingError(JsonPaths.Property(path, name), $"'{name}' must be a string"));
            return null;
        }

        return value.GetString();
    }

    private static string? AddError(List<MappingError> errors, string path, string message)
    {
        errors.Add(new MappingError(path, message));
        return null;
    }
}
