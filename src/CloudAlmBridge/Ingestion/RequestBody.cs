namespace CloudAlmBridge.Ingestion;

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

        using var buffer = new MemoryStream(request.ContentLength is > 0 and < 65536 ? (int)request.ContentLength.Value : 4096);
        var chunk = new byte[8192];
        int read;
        try
        {
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > maxBytes)
                {
                    return null;
                }

                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // The server's own cap (set per request by the security middleware) cut a chunked body off first.
            return null;
        }

        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }
}
