using System.Buffers;
using System.Security.Cryptography;

namespace CloudAlmBridge.Outbox;

/// <summary>
/// The SHA-256 of a change message with the whitespace between its tokens left out: one pass over the bytes as they
/// came, no second serialization. A resend that is spaced differently has the same fingerprint; any other difference,
/// also inside a string, makes another one. JSON's whitespace is space, tab, line feed and carriage return (RFC 8259
/// §2); inside a string every byte counts, and an escaped quote does not end the string.
/// </summary>
internal static class MessageFingerprint
{
    public static string Of(ReadOnlySpan<byte> json)
    {
        var rented = ArrayPool<byte>.Shared.Rent(json.Length);
        try
        {
            var length = Compact(json, rented);
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(rented.AsSpan(0, length), hash);
            return Convert.ToHexStringLower(hash);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Copies <paramref name="json"/> without the whitespace outside strings; answers the length copied.</summary>
    internal static int Compact(ReadOnlySpan<byte> json, Span<byte> into)
    {
        var length = 0;
        var inString = false;
        var escaped = false;
        foreach (var b in json)
        {
            if (inString)
            {
                // Inside a string: a backslash escapes the next byte (\" does not end it), a bare quote ends it.
                inString = escaped || b != (byte)'"';
                escaped = !escaped && b == (byte)'\\';
            }
            else if (b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r')
            {
                continue;
            }
            else
            {
                inString = b == (byte)'"';
            }

            into[length++] = b;
        }

        return length;
    }
}
