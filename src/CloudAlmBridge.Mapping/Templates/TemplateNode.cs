using System.Buffers;
using System.Text;
using System.Text.Json;

namespace CloudAlmBridge.Mapping.Templates;

/// <summary>A compiled piece of a JSON template: evaluated straight into a <see cref="Utf8JsonWriter"/>.</summary>
internal abstract class TemplateNode
{
    public abstract void Write(Utf8JsonWriter writer, in MappingContext context);

    /// <summary>The value as text, for a switch result used inside a longer string.</summary>
    public virtual void AppendText(TextBuffer text, in MappingContext context)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, context);
        }

        text.Append(Encoding.UTF8.GetString(buffer.WrittenSpan));
    }
}
