using System.Text;
using System.Text.Json;

namespace CloudAlmBridge.Mapping.Tests;

/// <summary>Wraps a request template in a minimal document and evaluates it, as the bridge does for one event.</summary>
internal static class MappingHarness
{
    public const string Switches = """
        [
          { "name": "severity", "cases": [ { "when": "FATAL", "then": "1" }, { "when": "ERROR", "then": "2" } ], "default": "3" },
          { "name": "nullable", "cases": [ { "when": "", "then": "empty" }, { "when": null, "then": "null" } ], "default": "#{owner}" },
          { "name": "emptyOnly", "cases": [ { "when": "", "then": "empty" } ], "default": "other" },
          { "name": "typed", "cases": [ { "when": "1", "then": 1 }, { "when": "true", "then": true } ], "default": null }
        ]
        """;

    public const string Resource = """
        {
          "id": "cd0cb7ea",
          "subject": "Ping failed to service S4H",
          "rating": "ERROR",
          "lowerRating": "error",
          "count": 1,
          "flag": true,
          "nothing": null,
          "owner": "basis-team",
          "emptyText": "",
          "tags": { "type": "httpPing", "status": "DOWN", "attempts": 9 },
          "items": [ "first", "second" ],
          "quoted": "He said \"stop\"\nthen left: Störung ✓",
          "escaped": "caf\u00e9 \ud83d\ude00 tab\there \/ back\\slash \r\b\f end"
        }
        """;

    public static MappingDocument Compile(string requestTemplate, string? operationExtras = null)
    {
        var json = $$"""
            {
              "switches": {{Switches}},
              "structure": { "request": {{requestTemplate}} },
              "eventTypeMapping": { "operationMappings": [
                { "eventType": "EVENT-SITUATION.CREATED", "operation": "POST" {{operationExtras}} }
              ] }
            }
            """;
        var compilation = MappingDocument.Compile(json);
        Assert.True(compilation.Succeeded, string.Join("\n", compilation.Errors));
        return compilation.Document!;
    }

    public static MappingContext Context(string? resource = null, Dictionary<string, string>? userVariables = null,
        string? cloudAlmUrl = null, string? externalId = null) =>
        new(Fixture.Parse(resource ?? Resource), userVariables, cloudAlmUrl, externalId);

    /// <summary>The request body a template gives against the harness resource, as compact JSON.</summary>
    public static string Evaluate(string requestTemplate, MappingContext? context = null)
    {
        var operation = Compile(requestTemplate).FindOperation("EVENT-SITUATION.CREATED")!;
        var body = operation.RenderRequest(context ?? Context())!;
        return Normalize(Encoding.UTF8.GetString(body));
    }

    /// <summary>Re-serializes JSON so expected and actual compare by value, not by escaping style.</summary>
    public static string Normalize(string json) =>
        JsonSerializer.Serialize(JsonDocument.Parse(json).RootElement, new JsonSerializerOptions
        {
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        });
}
