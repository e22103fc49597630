using System.Buffers;
using System.Text.Json;
using CloudAlmBridge.Mapping.Templates;

namespace CloudAlmBridge.Mapping;

/// <summary>
/// One compiled entry of <c>eventTypeMapping.operationMappings</c>, with the document's <c>structure</c> already merged
/// with the operation's own (section by section).
/// </summary>
public sealed class OperationMapping
{
    private readonly TextNode? _path;
    private readonly TemplateNode? _request;
    private readonly TemplateNode? _response;
    private readonly string[] _responseRoot;
    private readonly string[]? _externalIdPointer;

    internal OperationMapping(string eventType, string method, TextNode? path, string responseRoot,
        string? externalIdProperty, TemplateNode? request, TemplateNode? response)
    {
        EventType = eventType;
        Method = method;
        _path = path;
        ResponseRoot = responseRoot;
        _responseRoot = responseRoot.Length == 0 ? [] : responseRoot.TrimStart('/').Split('.', '/');
        ExternalIdProperty = externalIdProperty;
        _externalIdPointer = string.IsNullOrEmpty(externalIdProperty) ? null : JsonPointer.Parse(externalIdProperty);
        _request = request;
        _response = response;
    }

    public string EventType { get; }

    /// <summary>The HTTP method, upper case.</summary>
    public string Method { get; }

    public string ResponseRoot { get; }

    public string? ExternalIdProperty { get; }

    /// <summary>A GET sends no body, and neither does an operation with no request structure.</summary>
    public bool SendsBody => _request is not null && Method != "GET";

    public bool HasResponse => _response is not null;

    /// <summary>
    /// The operation reads a ticket id from its answer (<c>externalIdProperty</c>, or an <c>externalId</c> in its
    /// response section): a 2xx without one was cut short. A mapping that reads none (a target that keeps no ticket
    /// the bridge could address later) expects none.
    /// </summary>
    public bool ReadsTicketId => _externalIdPointer is not null
        || (_response is ObjectNode section && section.Properties.Any(p => p.Key.Value == "externalId"));

    /// <summary>The operation's path with placeholder values percent-encoded; "" when it has none.</summary>
    public string RenderPath(in MappingContext context) => _path?.Render(context, escapeValues: true) ?? string.Empty;

    /// <summary>Writes the request body; nothing when <see cref="SendsBody"/> is false.</summary>
    public void WriteRequest(Utf8JsonWriter writer, in MappingContext context)
    {
        if (SendsBody)
        {
            _request!.Write(writer, context);
        }
    }

    /// <summary>The request body as UTF-8 JSON, or null when the operation sends none.</summary>
    public byte[]? RenderRequest(in MappingContext context)
    {
        if (!SendsBody)
        {
            return null;
        }

        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteRequest(writer, context);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Reads the ticket system's answer: the ticket id through <c>externalIdProperty</c> and the response section below
    /// <c>responseRoot</c>. <paramref name="context"/> supplies user variables and the ticket id already known.
    /// </summary>
    public MappedResponse MapResponse(JsonElement answer, in MappingContext context) => MapRecord(ResolveRoot(answer), context);

    /// <summary>
    /// Like <see cref="MapResponse"/> for a record already below <c>responseRoot</c>, e.g. one row of a query's result.
    /// </summary>
    public MappedResponse MapRecord(JsonElement root, in MappingContext context)
    {
        string? ticketId = null;
        if (_externalIdPointer is not null && JsonPointer.TryResolve(root, _externalIdPointer, out var id))
        {
            ticketId = id.ValueKind == JsonValueKind.String ? id.GetString() : id.ValueKind is JsonValueKind.Number ? id.GetRawText() : null;
        }

        // In a response section #{externalId} is the id just read, or the one the link already had.
        return new MappedResponse(ticketId, _response, context with { Source = root, ExternalId = string.IsNullOrEmpty(ticketId) ? context.ExternalId : ticketId });
    }

    private JsonElement ResolveRoot(JsonElement answer)
    {
        var root = answer;
        foreach (var segment in _responseRoot)
        {
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty(segment, out root))
            {
                return default;
            }
        }

        return root;
    }

}
