using System.Buffers;
using System.Text.Json;
using CloudAlmBridge.Mapping.Templates;

namespace CloudAlmBridge.Mapping;

/// <summary>
/// What a response section reads from the ticket system's answer. Fields are evaluated when asked for, so reading the
/// three a delivery needs costs three small strings; the answer must stay alive while this is used.
/// </summary>
public sealed class MappedResponse
{
    private readonly TemplateNode? _response;
    private readonly MappingContext _context;

    internal MappedResponse(string? ticketId, TemplateNode? response, MappingContext context)
    {
        _response = response;
        _context = context;
        TicketId = string.IsNullOrEmpty(ticketId) ? GetText("externalId") : ticketId;
    }

    /// <summary>
    /// The ticket system's own id: through <c>externalIdProperty</c> when the operation has one, else the response
    /// section's <c>externalId</c>; null when neither gave a value.
    /// </summary>
    public string? TicketId { get; }

    /// <summary>A field of the response section as text; null when the section has no such field or it is empty.</summary>
    public string? GetText(string name)
    {
        if (_response is not ObjectNode section)
        {
            return null;
        }

        foreach (var (fieldName, node) in section.Properties)
        {
            if (fieldName.Value == name)
            {
                var text = TextBuffer.Rent();
                node.AppendText(text, _context);
                var result = text.Length == 0 ? null : text.ToString();
                TextBuffer.Return(text);
                return result;
            }
        }

        return null;
    }

    /// <summary>The whole response section, with each field's own JSON type (an empty object when there is none).</summary>
    public void WriteFields(Utf8JsonWriter writer)
    {
        if (_response is null)
        {
            writer.WriteStartObject();
            writer.WriteEndObject();
        }
        else
        {
            _response.Write(writer, _context);
        }
    }

    /// <summary><see cref="WriteFields"/> as a detached JSON element.</summary>
    public JsonElement ToJson()
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteFields(writer);
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }
}
