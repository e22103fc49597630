using System.Collections.Frozen;

namespace CloudAlmBridge.Console;

/// <summary>
/// The console's style sheet and script, embedded in the assembly: served by the bridge itself (no CDN, nothing to
/// install or copy at run time), and included by <c>dotnet publish</c> because they are part of the DLL.
/// </summary>
internal static class ConsoleAssets
{
    private static readonly FrozenDictionary<string, (byte[] Content, string ContentType)> Files = new Dictionary<string, (byte[], string)>
    {
        ["console.css"] = (Read("console.css"), "text/css; charset=utf-8"),
        ["console.js"] = (Read("console.js"), "text/javascript; charset=utf-8"),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static IResult Serve(string file, HttpResponse response)
    {
        if (!Files.TryGetValue(file, out var asset))
        {
            return Results.NotFound();
        }

        // Small and versioned with the bridge: a short cache is enough, and a new release is seen within the hour.
        response.Headers.CacheControl = "private, max-age=3600";
        return Results.Bytes(asset.Content, asset.ContentType);
    }

    private static byte[] Read(string name)
    {
        using var stream = typeof(ConsoleAssets).Assembly.GetManifestResourceStream($"ConsoleAsset.{name}")
            ?? throw new InvalidOperationException($"Missing embedded console asset '{name}'.");
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }
}
