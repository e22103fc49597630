using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CloudAlmBridge.Mapping.Tests;

/// <summary>
/// Thousands of mutated documents and random messages: the engine answers with validation errors, never an exception.
/// The seed is fixed, so a failure reproduces; the failing input is in the assertion message.
/// </summary>
public sealed class GeneratedInputTests
{
    private const int Iterations = 3000;

    private static readonly string[] Fragments =
    [
        "#{", "${", "}", "##{", "$${", "#{@USER_VAR(", "#{@CLOUD_ALM_URL}", "${SWITCH(", ",", ")", "#{}", "#{a..b}",
        "\"", "\\", "{", "[", "]", ":", "null", "true", "1e400", "-0", "\u00e9", "\ud83d\ude00", "\u0000", "/", "~1",
    ];

    private static readonly string[] Seeds =
    [
        Fixture.Text("sap-samples/document-approval-mapping.json"),
        Fixture.Text("sap-samples/feature-workflow-mapping.json"),
        MappingHarnessDocument(),
    ];

    [Fact]
    public void MutatedDocuments_NeverThrow()
    {
        var random = new Random(20261124);
        var (compiled, refused) = (0, 0);
        for (var i = 0; i < Iterations; i++)
        {
            var text = Mutate(Seeds[i % Seeds.Length], random);
            MappingCompilation compilation;
            try
            {
                compilation = MappingDocument.Compile(text);
            }
            catch (Exception exception)
            {
                Assert.Fail($"Compile threw {exception.GetType().Name} for input #{i}: {text}");
                return;
            }

            Assert.True(compilation.Succeeded || compilation.Errors.Count > 0, $"input #{i} neither compiled nor reported an error");
            if (compilation.Document is { } document)
            {
                compiled++;
                EvaluateEverything(document, RandomMessage(random), i, text);
            }
            else
            {
                refused++;
            }
        }

        // Both paths must be exercised, or the mutations are too mild or too wild to test anything.
        Assert.True(compiled > Iterations / 20, $"only {compiled} of {Iterations} mutated documents compiled");
        Assert.True(refused > Iterations / 20, $"only {refused} of {Iterations} mutated documents were refused");
    }

    [Fact]
    public void ValidDocuments_AgainstRandomMessages_NeverThrow()
    {
        var random = new Random(4711);
        var documents = Seeds.Select(s => MappingDocument.Compile(s).Document!).ToArray();
        for (var i = 0; i < Iterations; i++)
        {
            EvaluateEverything(documents[i % documents.Length], RandomMessage(random), i, "(seed document)");
        }
    }

    private static void EvaluateEverything(MappingDocument document, JsonElement resource, int index, string input)
    {
        var context = new MappingContext(resource, new Dictionary<string, string> { ["x"] = "v/ä" }, "https://calm", "id 1");
        foreach (var operation in document.Operations)
        {
            try
            {
                operation.RenderPath(context);
                var body = operation.RenderRequest(context);
                if (body is not null)
                {
                    using var _ = JsonDocument.Parse(body);
                }

                operation.MapResponse(resource, context);
            }
            catch (Exception exception)
            {
                Assert.Fail($"Evaluation threw {exception.GetType().Name} for input #{index} ({operation.EventType}): {input}\nresource: {resource}");
            }
        }
    }

    private static string Mutate(string text, Random random)
    {
        var builder = new StringBuilder(text);
        var edits = random.Next(1, 6);
        for (var e = 0; e < edits && builder.Length > 0; e++)
        {
            var at = random.Next(builder.Length);
            switch (random.Next(4))
            {
                case 0:
                    builder.Insert(at, Fragments[random.Next(Fragments.Length)]);
                    break;
                case 1:
                    builder.Remove(at, Math.Min(random.Next(1, 8), builder.Length - at));
                    break;
                case 2:
                    builder[at] = (char)random.Next(32, 127);
                    break;
                default:
                    var length = Math.Min(random.Next(1, 40), builder.Length - at);
                    builder.Insert(random.Next(builder.Length), builder.ToString(at, length));
                    break;
            }
        }

        return builder.ToString();
    }

    private static JsonElement RandomMessage(Random random)
    {
        var resource = new JsonObject();
        foreach (var name in new[] { "id", "subject", "title", "rating", "status", "tags", "responsibleId", "displayId", "items" })
        {
            if (random.Next(4) != 0)
            {
                resource[name] = RandomValue(random, depth: 0);
            }
        }

        return JsonDocument.Parse(resource.ToJsonString()).RootElement;
    }

    private static JsonNode? RandomValue(Random random, int depth) => random.Next(depth > 2 ? 5 : 7) switch
    {
        0 => null,
        1 => JsonValue.Create(random.Next(-5, 1000)),
        2 => JsonValue.Create(random.Next(2) == 0),
        3 => JsonValue.Create(Fragments[random.Next(Fragments.Length)] + "x"),
        4 => JsonValue.Create(random.NextDouble() * 1e6),
        5 => new JsonObject { ["status"] = RandomValue(random, depth + 1), ["0"] = RandomValue(random, depth + 1) },
        _ => new JsonArray(RandomValue(random, depth + 1), RandomValue(random, depth + 1)),
    };

    private static string MappingHarnessDocument() => $$"""
        {
          "switches": {{MappingHarness.Switches}},
          "structure": {
            "request": { "a": "#{subject}", "b": "${SWITCH(severity,rating)}", "c": ["#{tags}", "x #{tags.status} #{@USER_VAR(x)}"], "d": 1 },
            "response": { "externalId": "#{id}", "externalNumber": "#{items.0}", "externalStatus": "${SWITCH(nullable,status)}" }
          },
          "eventTypeMapping": { "operationMappings": [
            { "eventType": "EVENT-SITUATION.CREATED", "operation": "POST", "externalIdProperty": "/id" },
            { "eventType": "EVENT-SITUATION.UPDATED", "operation": "PATCH", "path": "/#{externalId}?q=#{subject}" }
          ] }
        }
        """;
}
