using System.Buffers;

namespace CloudAlmBridge.Input;

/// <summary>Reads a request body up to a limit without trusting Content-Length alone (chunked bodies have none).</summary>
internal static class RequestBody
{
    /// <summary>The body, or null when it is larger than <paramref name="maxBytes"/>.</summary>
    public static async Task<ReadOnlyMemory<byte>?> ReadAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            return null;
        }

        try
        {
            return request.ContentLength is { } length and > 0
                ? await ReadExactlyAsync(request.Body, (int)length, cancellationToken)
                : await ReadToEndAsync(request.Body, maxBytes, cancellationToken);
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // The server's own cap (set per request by the security middleware) cut a chunked body off first.
            return null;
        }
    }

    /// <summary>The usual case, a Content-Length: one array of that size, read into directly (Kestrel enforces the length).</summary>
    private static async Task<ReadOnlyMemory<byte>?> ReadExactlyAsync(Stream body, int length, CancellationToken cancellationToken)
    {
        var bytes = new byte[length];
        var filled = 0;
        int read;
        while (filled < length && (read = await body.ReadAsync(bytes.AsMemory(filled), cancellationToken)) > 0)
        {
            filled += read;
        }

        return bytes.AsMemory(0, filled);
    }

    private static async Task<ReadOnlyMemory<byte>?> ReadToEndAsync(Stream body, long maxBytes, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream(4096);
        var chunk = ArrayPool<byte>.Shared.Rent(8192);
        try
        {
            int read;
            while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > maxBytes)
                {
                    return null;
                }

                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }
}
