using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Unicode;

namespace CloudAlmBridge.Vocabulary;

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
    /// <remarks>
    /// Only a string with an escape can hold one (the bytes were checked as UTF-8 already), so only those are decoded,
    /// and the path is built only for the string found: checking a body allocates nothing otherwise.
    /// </remarks>
    private static string? FindUndecodableString(JsonElement element, string path)
    {
        var trail = new List<string>();
        if (!HasUndecodableString(element, trail))
        {
            return null;
        }

        trail.Reverse();
        var found = path;
        foreach (var segment in trail)
        {
            found = segment.StartsWith('[') ? found + segment : found.Length == 0 ? segment : $"{found}.{segment}";
        }

        return found.Length == 0 ? "body" : found;
    }

    /// <summary>True when <paramref name="element"/> holds such a string; <paramref name="trail"/> gets the path to it, innermost first.</summary>
    private static bool HasUndecodableString(JsonElement element, List<string> trail)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return HasEscape(JsonMarshal.GetRawUtf8Value(element)) && !Decodes(element);
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (HasEscape(JsonMarshal.GetRawUtf8PropertyName(property)) && !Decodes(property))
                    {
                        // The name itself cannot be shown: the path is its object's.
                        return true;
                    }

                    if (HasUndecodableString(property.Value, trail))
                    {
                        trail.Add(property.Name);
                        return true;
                    }
                }

                return false;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (HasUndecodableString(item, trail))
                    {
                        trail.Add($"[{index}]");
                        return true;
                    }

                    index++;
                }

                return false;
            default:
                return false;
        }
    }

    private static bool HasEscape(ReadOnlySpan<byte> raw) => raw.Contains((byte)'\\');

    private static bool Decodes(JsonElement element)
    {
        try
        {
            _ = element.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static bool Decodes(JsonProperty property)
    {
        try
        {
            _ = property.Name;
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
