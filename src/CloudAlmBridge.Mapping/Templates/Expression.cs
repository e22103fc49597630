using System.Text.Json;

namespace CloudAlmBridge.Mapping.Templates;

/// <summary>One placeholder of a template string, compiled: <c>#{a.b}</c>, <c>#{@USER_VAR(x)}</c>, <c>${SWITCH(s,a)}</c>.</summary>
internal abstract class Expression
{
    /// <summary>Writes the value with its own JSON type (a string that is exactly this placeholder).</summary>
    public abstract void WriteValue(Utf8JsonWriter writer, in MappingContext context);

    /// <summary>Appends the value as text (a placeholder inside a longer string, or a path).</summary>
    public abstract void AppendText(TextBuffer text, in MappingContext context);
}
