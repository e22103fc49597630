using System.Text.Json;
using System.Text.Unicode;

namespace CloudAlmBridge.Ingestion;

/// <summary>
/// A JSON body a caller sent, checked before anything reads it: valid UTF-8, nested at most <see cref="MaxDepth"/>
/// deep, and no string whose escapes decode to no text. Each refusal is a problem to list, never an exception later.
/// </summary>
internal static class JsonInput
{
    /// <summary>Deep enough for any real event situation or mapping, shallow enough that a hostile body cannot exhaust the stack.</summary>
    public const int MaxDepth = 64;

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    /// <summary>The parsed document, or null with the problem; the caller disposes the document.</summary>
    public static JsonDocument? Parse(ReadOnlyMemory<byte> body, string rootPath, out string? problem)
    {
        // A byte-order mark is allowed by RFC 8259's readers and written by some editors; the JSON reader refuses it.
        if (body.Span.StartsWith(Utf8Bom))
        {
            body = body[Utf8Bom.Length..];
        }

        // The JSON reader does not check the UTF-8 inside strings; reading such a string later would throw.
        if (!Utf8.IsValid(body.Span))
        {
            problem = "the body is not valid UTF-8";
            return null;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = MaxDepth });
        }
        catch (JsonException exception)
        {
            problem = $"the body is not valid JSON: {exception.Message}";
            return null;
        }

        if (FindUndecodableString(document.RootElement, rootPath) is { } path)
        {
            document.Dispose();
            problem = $"{path}: a string holds an escape that is not valid Unicode (a lone surrogate)";
            return null;
        }

        problem = null;
        return document;
    }

    /// <summary>
    /// The path of the first string (value or property name) whose escapes decode to no valid text, such as a lone
    /// surrogate <c>\ud83d</c>: such JSON parses, but throws when the string is read. An empty
    /// <paramref name="path"/> names the body's own members without a prefix.
    /// </summary>
    private static string? FindUndecodableString(JsonElement element, string path)
    {
        try
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.String:
                    _ = element.GetString();
                    return null;
                case JsonValueKind.Object:
                    foreach (var property in element.EnumerateObject())
                    {
                        var name = property.Name;
                        if (FindUndecodableString(property.Value, path.Length == 0 ? name : $"{path}.{name}") is { } inner)
                        {
                            return inner;
                        }
                    }

                    return null;
                case JsonValueKind.Array:
                    var index = 0;
                    foreach (var item in element.EnumerateArray())
                    {
                        if (FindUndecodableString(item, $"{path}[{index++}]") is { } inner)
                        {
                            return inner;
                        }
                    }

                    return null;
                default:
                    return null;
            }
        }
        catch (InvalidOperationException)
        {
            return path.Length == 0 ? "body" : path;
        }
    }
}
