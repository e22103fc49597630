using System.Buffers;
using System.Text;

namespace CloudAlmBridge.Mapping.Templates;

/// <summary>
/// A growable char buffer reused per thread, so that a text template is written to the JSON writer as a span without
/// an intermediate string.
/// </summary>
internal sealed class TextBuffer
{
    [ThreadStatic]
    private static TextBuffer? _cached;

    private char[] _chars = new char[256];

    public int Length { get; private set; }

    public ReadOnlySpan<char> Span => _chars.AsSpan(0, Length);

    /// <summary>Takes this thread's buffer (a fresh one if it is in use, e.g. when renders nest).</summary>
    public static TextBuffer Rent()
    {
        var buffer = _cached ?? new TextBuffer();
        _cached = null;
        buffer.Length = 0;
        return buffer;
    }

    public static void Return(TextBuffer buffer) => _cached = buffer;

    public void Clear() => Length = 0;

    public void Append(string? text) => Append(text.AsSpan());

    public void Append(char c)
    {
        Ensure(1);
        _chars[Length++] = c;
    }

    public void Append(ReadOnlySpan<char> text)
    {
        Ensure(text.Length);
        text.CopyTo(_chars.AsSpan(Length));
        Length += text.Length;
    }

    /// <summary>Appends UTF-8 text (an unescaped JSON string's bytes) without a string in between.</summary>
    public void AppendUtf8(ReadOnlySpan<byte> utf8)
    {
        Ensure(Encoding.UTF8.GetMaxCharCount(utf8.Length));
        Length += Encoding.UTF8.GetChars(utf8, _chars.AsSpan(Length));
    }

    public override string ToString() => new(Span);

    private void Ensure(int additional)
    {
        if (Length + additional <= _chars.Length)
        {
            return;
        }

        var larger = ArrayPool<char>.Shared.Rent(Math.Max(_chars.Length * 2, Length + additional));
        _chars.AsSpan(0, Length).CopyTo(larger);
        if (_chars.Length > 256)
        {
            ArrayPool<char>.Shared.Return(_chars);
        }

        _chars = larger;
    }
}
