using System.Text.Json.Nodes;
using CloudAlmBridge.Mapping;

namespace CloudAlmBridge.OpenApi;

/// <summary>Example bodies shown in Swagger UI, shipped as embedded resources.</summary>
internal static class Examples
{
    /// <summary>
    /// One change message per event type, one situation through its life (the README's walk-through sends them in
    /// this order): Swagger UI offers them by name and fills the body with the first.
    /// </summary>
    public static IReadOnlyList<(string Name, string Summary, string Json)> ChangeMessages { get; } =
    [
        ("created", $"{EventTypes.Created}: a new situation (rating ERROR)", Read("situation-created")),
        ("updated", $"{EventTypes.Updated}: the rating rose to FATAL", Read("situation-updated")),
        ("closed", $"{EventTypes.Closed}: the situation is over", Read("situation-closed")),
        ("deleted", $"{EventTypes.Deleted}: the situation was deleted in Cloud ALM", Read("situation-deleted")),
        ("ping", $"{EventTypes.Ping}: Cloud ALM asks for the ticket's number and status", Read("situation-ping")),
    ];

    /// <summary>
    /// The answers of the events routes by status (<c>event</c>: the routes that take a message; <c>ping</c>: the
    /// GET), each with its description and named examples.
    /// </summary>
    public static JsonObject EventAnswers { get; } = JsonNode.Parse(Read("event-answers"))!.AsObject();

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
