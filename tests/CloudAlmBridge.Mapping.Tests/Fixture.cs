using System.Text.Json;

namespace CloudAlmBridge.Mapping.Tests;

/// <summary>Reads the shared fixtures copied next to the test assembly.</summary>
internal static class Fixture
{
    public static string Text(string relativePath) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", relativePath));

    public static JsonElement Json(string relativePath) => JsonDocument.Parse(Text(relativePath)).RootElement;

    public static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement;
}
