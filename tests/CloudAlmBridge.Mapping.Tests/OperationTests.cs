using System.Text;

namespace CloudAlmBridge.Mapping.Tests;

/// <summary>Operations: paths, per-operation structures, GET bodies, and the response side.</summary>
public sealed class OperationTests
{
    private const string Document = """
        {
          "switches": [ { "name": "status", "cases": [ { "when": "1", "then": "NEW" }, { "when": "6", "then": "RESOLVED" } ], "default": "IN_PROCESS" } ],
          "structure": {
            "request": { "short_description": "#{subject}", "correlation_id": "#{id}" },
            "response": { "externalId": "#{sys_id}", "externalNumber": "#{number}", "externalStatus": "${SWITCH(status,state)}" }
          },
          "eventTypeMapping": { "operationMappings": [
            { "eventType": "EVENT-SITUATION.CREATED", "operation": "POST", "responseRoot": "result", "externalIdProperty": "/sys_id" },
            { "eventType": "EVENT-SITUATION.UPDATED", "operation": "patch", "path": "/#{externalId}", "responseRoot": "result",
              "structure": { "request": { "work_notes": "#{workNotes}" } } },
            { "eventType": "EVENT-SITUATION.PING", "operation": "GET", "path": "/#{externalId}?sysparm_fields=number,state&x=#{@USER_VAR(x)}", "responseRoot": "result",
              "structure": { "response": { "externalStatus": "#{state}", "externalId": "#{externalId}" } } },
            { "eventType": "EVENT-SITUATION.DELETED", "operation": "DELETE", "path": "/#{externalId}" }
          ] }
        }
        """;

    private static readonly MappingDocument Mapping = MappingDocument.Compile(Document).Document!;

    [Fact]
    public void Path_PercentEncodesPlaceholderValues_AndKeepsLiteralText()
    {
        var ping = Mapping.FindOperation("EVENT-SITUATION.PING")!;
        var context = MappingHarness.Context(userVariables: new() { ["x"] = "a&b=c" }, externalId: "id with/slash");

        Assert.Equal("/id%20with%2Fslash?sysparm_fields=number,state&x=a%26b%3Dc", ping.RenderPath(context));
    }

    [Theory]
    [InlineData("/close", "/close")]
    [InlineData("/tickets/new", "/tickets/new")]
    [InlineData("?sysparm_display_value=true", "?sysparm_display_value=true")]
    [InlineData("/literal ##{kept}", "/literal #{kept}")]
    public void Path_WithoutAPlaceholder_IsAppendedAsWritten(string path, string rendered)
    {
        var document = MappingDocument.Compile($$"""
            { "structure": { "request": { "a": "#{subject}" } },
              "eventTypeMapping": { "operationMappings": [ { "eventType": "EVENT-SITUATION.CREATED", "operation": "POST" },
                { "eventType": "EVENT-SITUATION.CLOSED", "operation": "POST", "path": "{{path}}" } ] } }
            """).Document!;

        Assert.Equal(rendered, document.FindOperation("EVENT-SITUATION.CLOSED")!.RenderPath(MappingHarness.Context()));
    }

    [Theory]
    [InlineData("@127.0.0.1:8080/x/#{id}")]
    [InlineData("close")]
    [InlineData("#{externalId}")]
    public void Path_ThatDoesNotStartWithSlashOrQuestionMark_IsAnErrorAtItsPath(string path)
    {
        var compilation = MappingDocument.Compile($$"""
            { "structure": { "request": { "a": "#{subject}" } },
              "eventTypeMapping": { "operationMappings": [ { "eventType": "EVENT-SITUATION.CREATED", "operation": "POST" },
                { "eventType": "EVENT-SITUATION.CLOSED", "operation": "POST", "path": "{{path}}" } ] } }
            """);

        Assert.Null(compilation.Document);
        var error = Assert.Single(compilation.Errors);
        Assert.Equal("eventTypeMapping.operationMappings[1].path", error.Path);
        Assert.Contains("must start with '/' or '?'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Path_IsEmpty_WhenTheOperationHasNone() =>
        Assert.Equal(string.Empty, Mapping.FindOperation("EVENT-SITUATION.CREATED")!.RenderPath(MappingHarness.Context()));

    [Fact]
    public void Get_SendsNoBody_EvenWithARequestStructure()
    {
        var ping = Mapping.FindOperation("EVENT-SITUATION.PING")!;

        Assert.Equal("GET", ping.Method);
        Assert.False(ping.SendsBody);
        Assert.Null(ping.RenderRequest(MappingHarness.Context()));
    }

    [Fact]
    public void Method_IsUpperCased() => Assert.Equal("PATCH", Mapping.FindOperation("EVENT-SITUATION.UPDATED")!.Method);

    [Fact]
    public void OperationStructure_ReplacesTheDocumentsRequest_SectionBySection()
    {
        var update = Mapping.FindOperation("EVENT-SITUATION.UPDATED")!;
        var body = Encoding.UTF8.GetString(update.RenderRequest(MappingHarness.Context("""{"id":"s1","workNotes":"still down"}"""))!);

        Assert.Equal("""{"work_notes":"still down"}""", body);

        // The response section was not overridden, so the document's applies.
        var mapped = update.MapResponse(Fixture.Parse("""{"result":{"sys_id":"abc","number":"INC1","state":"6"}}"""), MappingHarness.Context());
        Assert.Equal("RESOLVED", mapped.GetText("externalStatus"));
    }

    [Fact]
    public void Response_ReadsBelowResponseRoot_AndTheTicketIdThroughExternalIdProperty()
    {
        var create = Mapping.FindOperation("EVENT-SITUATION.CREATED")!;
        var answer = Fixture.Parse("""{"result":{"sys_id":"c537bae6","number":"INC0010002","state":"1"}}""");

        var mapped = create.MapResponse(answer, MappingHarness.Context());

        Assert.Equal("c537bae6", mapped.TicketId);
        Assert.Equal("INC0010002", mapped.GetText("externalNumber"));
        Assert.Equal("NEW", mapped.GetText("externalStatus"));
    }

    [Fact]
    public void Response_WithoutExternalIdProperty_TakesTheSectionsExternalId()
    {
        var ping = Mapping.FindOperation("EVENT-SITUATION.PING")!;
        var mapped = ping.MapResponse(Fixture.Parse("""{"result":{"state":"2"}}"""), MappingHarness.Context(externalId: "known-id"));

        // #{externalId} in a response is the linked ticket's id, like everywhere else.
        Assert.Equal("known-id", mapped.TicketId);
        Assert.Equal("2", mapped.GetText("externalStatus"));
    }

    [Fact]
    public void Response_WhenTheRootIsMissing_GivesEmptyFieldsAndNoTicketId()
    {
        var create = Mapping.FindOperation("EVENT-SITUATION.CREATED")!;
        var mapped = create.MapResponse(Fixture.Parse("""{"unexpected":true}"""), MappingHarness.Context());

        Assert.Null(mapped.TicketId);
        Assert.Null(mapped.GetText("externalNumber"));
        Assert.Equal("IN_PROCESS", mapped.GetText("externalStatus"));
    }

    [Fact]
    public void Response_OfAnEmptyAnswer_DoesNotThrow()
    {
        var create = Mapping.FindOperation("EVENT-SITUATION.CREATED")!;

        var mapped = create.MapResponse(default, MappingHarness.Context());

        Assert.Null(mapped.TicketId);
    }

    [Fact]
    public void FindOperation_ForAnEventTypeWithoutOperation_IsNull() =>
        Assert.Null(Mapping.FindOperation("EVENT-SITUATION.CLOSED"));

    [Fact]
    public void JsonPointer_UnescapesTildeSequences()
    {
        var root = Fixture.Parse("""{"a/b":{"c~d":["x","y"]}}""");

        Assert.True(JsonPointer.TryResolve(root, "/a~1b/c~0d/1", out var value));
        Assert.Equal("y", value.GetString());
        Assert.False(JsonPointer.TryResolve(root, "/a~1b/missing", out _));
    }
}
