using System.Text;

namespace CloudAlmBridge.Mapping.Tests;

/// <summary>The older flat, rule-based form: <c>"target": "source"</c> pairs at the top level.</summary>
public sealed class RuleBasedTests
{
    private const string Document = """
        {
          "_information": { "_name": "flat" },
          "switches": [ { "name": "severity", "cases": [ { "when": "ERROR", "then": "2" } ], "default": "3" } ],
          "request": {
            "short_description": "subject",
            "status": "tags.status",
            "urgency": "${SWITCH(severity,rating)}",
            "text": "[ALM] #{subject}",
            "attempts": "tags.attempts",
            "fixed": 5,
            "empty": ""
          },
          "response": { "externalId": "sys_id", "externalNumber": "number" },
          "eventTypeMapping": { "operationMappings": [
            { "eventType": "EVENT-SITUATION.CREATED", "operation": "POST", "responseRoot": "result" }
          ] }
        }
        """;

    [Fact]
    public void BareNames_AreAttributes_AndTemplatesStayTemplates()
    {
        var compilation = MappingDocument.Compile(Document);
        Assert.True(compilation.Succeeded, string.Join("\n", compilation.Errors));
        var create = compilation.Document!.FindOperation("EVENT-SITUATION.CREATED")!;

        var body = Encoding.UTF8.GetString(create.RenderRequest(MappingHarness.Context())!);

        Assert.Equal(
            """{"short_description":"Ping failed to service S4H","status":"DOWN","urgency":"2","text":"[ALM] Ping failed to service S4H","attempts":9,"fixed":5,"empty":""}""",
            body);
    }

    [Fact]
    public void ResponseRules_ReadTheAnswer()
    {
        var create = MappingDocument.Compile(Document).Document!.FindOperation("EVENT-SITUATION.CREATED")!;

        var mapped = create.MapResponse(Fixture.Parse("""{"result":{"sys_id":"abc","number":"INC7"}}"""), MappingHarness.Context());

        Assert.Equal("abc", mapped.TicketId);
        Assert.Equal("INC7", mapped.GetText("externalNumber"));
    }

    [Fact]
    public void NestedRules_AreAnError()
    {
        var compilation = MappingDocument.Compile("""
            { "request": { "fields": { "summary": "subject" } },
              "eventTypeMapping": { "operationMappings": [ { "eventType": "EVENT-SITUATION.CREATED", "operation": "POST" } ] } }
            """);

        var error = Assert.Single(compilation.Errors);
        Assert.Equal("request.fields", error.Path);
        Assert.Equal("rule-based mappings are flat", error.Message);
    }

    [Fact]
    public void ARuleCategory_IsRefused_WithWhatToDoInstead()
    {
        // Cloud ALM's rule categories hold rules whose syntax SAP does not publish; the bridge does not guess it.
        var compilation = MappingDocument.Compile("""
            { "request": { "maps": [ { "source": "subject", "target": "short_description" } ] },
              "eventTypeMapping": { "operationMappings": [ { "eventType": "EVENT-SITUATION.CREATED", "operation": "POST" } ] } }
            """);

        var error = Assert.Single(compilation.Errors);
        Assert.Equal("request.maps", error.Path);
        Assert.Equal("rule-based mappings are flat", error.Message);
        Assert.StartsWith("convert the mapping to a payload-based one: write the request as a JSON template under 'structure.request'", error.Hint);
        Assert.EndsWith("docs/mappings.md, 'Converting a rule-based mapping', shows it on an example", error.Hint);
    }

    [Fact]
    public void TheConversionInTheDocs_SendsTheSameBodyAndReadsTheSameAnswer()
    {
        // The example of docs/mappings.md, "Converting a rule-based mapping": Document above, written payload-based.
        var converted = MappingDocument.Compile("""
            {
              "_information": { "_name": "flat, converted" },
              "switches": [ { "name": "severity", "cases": [ { "when": "ERROR", "then": "2" } ], "default": "3" } ],
              "structure": {
                "request": {
                  "short_description": "#{subject}",
                  "status": "#{tags.status}",
                  "urgency": "${SWITCH(severity,rating)}",
                  "text": "[ALM] #{subject}",
                  "attempts": "#{tags.attempts}",
                  "fixed": 5,
                  "empty": ""
                },
                "response": { "externalId": "#{sys_id}", "externalNumber": "#{number}" }
              },
              "eventTypeMapping": { "operationMappings": [
                { "eventType": "EVENT-SITUATION.CREATED", "operation": "POST", "responseRoot": "result" }
              ] }
            }
            """);
        Assert.True(converted.Succeeded, string.Join("\n", converted.Errors));
        var before = MappingDocument.Compile(Document).Document!.FindOperation("EVENT-SITUATION.CREATED")!;
        var after = converted.Document!.FindOperation("EVENT-SITUATION.CREATED")!;
        var answer = Fixture.Parse("""{"result":{"sys_id":"abc","number":"INC7"}}""");

        Assert.Equal(
            Encoding.UTF8.GetString(before.RenderRequest(MappingHarness.Context())!),
            Encoding.UTF8.GetString(after.RenderRequest(MappingHarness.Context())!));
        Assert.Equal(before.MapResponse(answer, MappingHarness.Context()).TicketId, after.MapResponse(answer, MappingHarness.Context()).TicketId);
        Assert.Equal("INC7", after.MapResponse(answer, MappingHarness.Context()).GetText("externalNumber"));
    }
}
