using System.Text;

namespace CloudAlmBridge.Mapping.Tests;

/// <summary>
/// SAP: "In a switch, it is also possible to use expressions or embedded switches." A case's <c>then</c> and a
/// <c>default</c> are templates like any other (docs/api.md §6): placeholders, switches, types kept when whole.
/// </summary>
public sealed class EmbeddedSwitchTests
{
    // 'impact' is defined before the switch it calls, so a forward reference is covered too.
    private const string Switches = """
        [
          { "name": "impact",
            "cases": [ { "when": "ERROR", "then": "${SWITCH(byService,tags.serviceType)}" },
                       { "when": "FATAL", "then": 1 } ],
            "default": "#{owner}/${SWITCH(byStatus,tags.status)}" },
          { "name": "byService",
            "cases": [ { "when": "ABAP", "then": "${SWITCH(byStatus,tags.status)}" }, { "when": "HANA", "then": 2 } ],
            "default": "service #{tags.serviceType} is #{tags.status}" },
          { "name": "byStatus", "cases": [ { "when": "DOWN", "then": 1 } ], "default": 3 },
          { "name": "shaped",
            "cases": [ { "when": "ERROR", "then": { "group": "${SWITCH(byService,tags.serviceType)}", "note": "#{subject}", "fixed": [ 1, true ] } } ],
            "default": [ "#{tags.status}" ] }
        ]
        """;

    private static string Evaluate(string template, string resource)
    {
        var compilation = MappingDocument.Compile($$"""
            {
              "switches": {{Switches}},
              "structure": { "request": { "value": {{template}} } },
              "eventTypeMapping": { "operationMappings": [ { "eventType": "EVENT-SITUATION.CREATED", "operation": "POST" } ] }
            }
            """);
        Assert.True(compilation.Succeeded, string.Join("\n", compilation.Errors));
        var body = compilation.Document!.FindOperation("EVENT-SITUATION.CREATED")!.RenderRequest(MappingHarness.Context(resource))!;
        return Encoding.UTF8.GetString(body);
    }

    public static TheoryData<string, string, string> Cases => new()
    {
        // Two levels down, the inner switch reads a dot path and its number keeps its type.
        { "\"${SWITCH(impact,rating)}\"", """{ "rating": "ERROR", "tags": { "serviceType": "ABAP", "status": "DOWN" } }""", """{"value":1}""" },
        { "\"${SWITCH(impact,rating)}\"", """{ "rating": "ERROR", "tags": { "serviceType": "ABAP", "status": "UP" } }""", """{"value":3}""" },
        { "\"${SWITCH(impact,rating)}\"", """{ "rating": "ERROR", "tags": { "serviceType": "HANA" } }""", """{"value":2}""" },

        // A default that mixes text, placeholders and an embedded switch is text.
        { "\"${SWITCH(impact,rating)}\"", """{ "rating": "ERROR", "tags": { "serviceType": "BTP", "status": "DOWN" } }""", """{"value":"service BTP is DOWN"}""" },
        { "\"${SWITCH(impact,rating)}\"", """{ "rating": "INFO", "owner": "basis", "tags": { "status": "DOWN" } }""", """{"value":"basis/1"}""" },

        // A switch input keeps its dot path at the top level too.
        { "\"${SWITCH(byService,tags.serviceType)}\"", """{ "tags": { "serviceType": "HANA" } }""", """{"value":2}""" },

        // An object or array result is a template like any other: placeholders and switches inside it are evaluated.
        { "\"${SWITCH(shaped,rating)}\"", """{ "rating": "ERROR", "subject": "S4H down", "tags": { "serviceType": "HANA" } }""", """{"value":{"group":2,"note":"S4H down","fixed":[1,true]}}""" },
        { "\"${SWITCH(shaped,rating)}\"", """{ "rating": "INFO", "tags": { "status": "UP" } }""", """{"value":["UP"]}""" },

        // Inside a longer string the embedded result is text; a missing input takes the default.
        { "\"P${SWITCH(impact,rating)}\"", """{ "rating": "ERROR", "tags": { "serviceType": "ABAP", "status": "DOWN" } }""", """{"value":"P1"}""" },
        { "\"${SWITCH(impact,rating)}\"", """{ "tags": {} }""", """{"value":"/3"}""" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void EmbeddedSwitch_IsEvaluatedByTheSameRules(string template, string resource, string expected) =>
        Assert.Equal(expected, Evaluate(template, resource));

    [Fact]
    public void EmbeddedSwitch_CanCompareAUserVariable()
    {
        var compilation = MappingDocument.Compile("""
            {
              "switches": [
                { "name": "outer", "cases": [ { "when": "ERROR", "then": "${SWITCH(team,@USER_VAR(region))}" } ], "default": "none" },
                { "name": "team", "cases": [ { "when": "EU", "then": "basis-eu" } ], "default": "basis" }
              ],
              "structure": { "request": { "group": "${SWITCH(outer,rating)}" } },
              "eventTypeMapping": { "operationMappings": [ { "eventType": "EVENT-SITUATION.CREATED", "operation": "POST" } ] }
            }
            """);
        var create = compilation.Document!.FindOperation("EVENT-SITUATION.CREATED")!;

        var body = create.RenderRequest(MappingHarness.Context(userVariables: new() { ["region"] = "EU" }))!;

        Assert.Equal("""{"group":"basis-eu"}""", Encoding.UTF8.GetString(body));
    }
}
