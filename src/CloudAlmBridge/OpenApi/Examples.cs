namespace CloudAlmBridge.OpenApi;

/// <summary>Example bodies shown in Swagger UI, shipped as embedded resources.</summary>
internal static class Examples
{
    public static string ChangeMessage { get; } = Read("change-message");

    private static string Read(string name)
    {
        using var stream = typeof(Examples).Assembly.GetManifestResourceStream($"OpenApiExample.{name}")
            ?? throw new InvalidOperationException($"Missing embedded example '{name}'.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
