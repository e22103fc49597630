using System.Text.Json.Nodes;

namespace CloudAlmBridge.OpenApi;

/// <summary>Example bodies shown in Swagger UI, shipped as embedded resources.</summary>
internal static class Examples
{
    public static string ChangeMessage { get; } = Read("change-message");

    public static string Mapping { get; } = Read("mapping");

    public static string Preview { get; } = Read("preview");

    /// <summary>The preview body with the example mapping inline, built from the two so they cannot drift apart.</summary>
    public static string InlinePreview { get; } = BuildInlinePreview();

    private static string BuildInlinePreview()
    {
        var preview = JsonNode.Parse(Preview)!.AsObject();
        preview.Remove("subscription");
        preview["mapping"] = JsonNode.Parse(Mapping);
        return preview.ToJsonString();
    }

    private static string Read(string name)
    {
        using var stream = typeof(Examples).Assembly.GetManifestResourceStream($"OpenApiExample.{name}")
            ?? throw new InvalidOperationException($"Missing embedded example '{name}'.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
