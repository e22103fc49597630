namespace CloudAlmBridge.Mapping.Tests;

/// <summary>Validation collects every error, each with its JSON path and, where it helps, a hint.</summary>
public sealed class ValidationTests
{
    private static IReadOnlyList<MappingError> ErrorsOf(string json)
    {
        var compilation = MappingDocument.Compile(json);
        Assert.False(compilation.Succeeded);
        Assert.Null(compilation.Document);
        return compilation.Errors;
    }

    private static string Document(string request, string operations = """{ "eventType": "EVENT-SITUATION.CREATED", "operation": "POST" }""") => $$"""
        {
          "switches": [ { "name": "severity", "cases": [ { "when": "FATAL", "then": "1" } ], "default": "3" } ],
          "structure": { "request": {{request}} },
          "eventTypeMapping": { "operationMappings": [ {{operations}} ] }
        }
        """;

    [Fact]
    public void UnknownSwitch_IsNamedWithItsPathAndASuggestion()
    {
        var error = Assert.Single(ErrorsOf(Document("""{ "urgency": "${SWITCH(sevrity,rating)}" }""")));

        Assert.Equal("structure.request.urgency", error.Path);
        Assert.Equal("unknown switch 'sevrity' at structure.request.urgency; did you mean 'severity'?", error.ToString());
    }

    public static TheoryData<string, string, string> BrokenTemplates => new()
    {
        { """{ "a": "#{subject" }""", "structure.request.a", "unclosed placeholder '#{subject'" },
        { """{ "a": "x #{}" }""", "structure.request.a", "empty placeholder '#{}'" },
        { """{ "a": "#{@USER_VARS(x)}" }""", "structure.request.a", "unknown function '@USER_VARS'" },
        { """{ "a": "#{@USER_VAR()}" }""", "structure.request.a", "invalid user variable '#{@USER_VAR()}'" },
        { """{ "a": "${LOOKUP(x,y)}" }""", "structure.request.a", "unknown function 'LOOKUP'" },
        { """{ "a": "${SWITCH(severity)}" }""", "structure.request.a", "invalid switch call '${SWITCH(severity)}'" },
        { """{ "a": "#{tags..status}" }""", "structure.request.a", "invalid attribute path 'tags..status'" },
        { """{ "a": [ "ok", "#{bad" ] }""", "structure.request.a[1]", "unclosed placeholder '#{bad'" },
    };

    [Theory]
    [MemberData(nameof(BrokenTemplates))]
    public void MalformedTemplates_AreErrors_NeverPassedThrough(string request, string path, string message)
    {
        var error = Assert.Single(ErrorsOf(Document(request)));

        Assert.Equal(path, error.Path);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void InvalidHttpMethod_SuggestsTheNearestOne()
    {
        var error = Assert.Single(ErrorsOf(Document("{}", """{ "eventType": "EVENT-SITUATION.CREATED", "operation": "PSOT" }""")));

        Assert.Equal("eventTypeMapping.operationMappings[0].operation", error.Path);
        Assert.Equal("did you mean 'POST'?", error.Hint);
    }

    [Fact]
    public void DuplicateEventType_IsAnError()
    {
        var errors = ErrorsOf(Document("{}", """
            { "eventType": "EVENT-SITUATION.CREATED", "operation": "POST" },
            { "eventType": "EVENT-SITUATION.CREATED", "operation": "PATCH" }
            """));

        Assert.Contains(errors, e => e.Path == "eventTypeMapping.operationMappings[1].eventType" && e.Message.Contains("duplicate eventType"));
    }

    [Fact]
    public void EventSituationMapping_WithoutCreated_IsAnError()
    {
        var error = Assert.Single(ErrorsOf(Document("{}", """{ "eventType": "EVENT-SITUATION.UPDATED", "operation": "PATCH" }""")));

        Assert.Equal("no operation for 'EVENT-SITUATION.CREATED'", error.Message);
    }

    [Fact]
    public void ExternalIdProperty_MustBeAJsonPointer()
    {
        var error = Assert.Single(ErrorsOf(Document("{}",
            """{ "eventType": "EVENT-SITUATION.CREATED", "operation": "POST", "externalIdProperty": "sys_id" }""")));

        Assert.Equal("eventTypeMapping.operationMappings[0].externalIdProperty", error.Path);
        Assert.Equal("write '/sys_id'", error.Hint);
    }

    [Fact]
    public void EveryError_IsReported_NotOnlyTheFirst()
    {
        var errors = ErrorsOf(Document(
            """{ "a": "#{unclosed", "b": "${SWITCH(nope,x)}", "c": "#{@NOPE}" }""",
            """
            { "eventType": "EVENT-SITUATION.CREATED", "operation": "FETCH", "externalIdProperty": "id" },
            { "operation": "POST" }
            """));

        Assert.Equal(
            [
                "structure.request.a",
                "structure.request.b",
                "structure.request.c",
                "eventTypeMapping.operationMappings[0].operation",
                "eventTypeMapping.operationMappings[0].externalIdProperty",
                "eventTypeMapping.operationMappings[1].eventType",
            ],
            errors.Select(e => e.Path).ToArray());
    }

    private static string SwitchDocument(string switches) => $$"""
        {
          "switches": {{switches}},
          "eventTypeMapping": { "operationMappings": [ { "eventType": "EVENT-SITUATION.CREATED", "operation": "POST" } ] }
        }
        """;

    [Fact]
    public void ASwitchThatCallsItself_IsACycle()
    {
        var error = Assert.Single(ErrorsOf(SwitchDocument("""
            [ { "name": "s", "cases": [ { "when": "A", "then": "${SWITCH(s,x)}" } ] } ]
            """)));

        Assert.Equal("switches[0]", error.Path);
        Assert.Equal("switches call each other in a cycle: s → s", error.Message);
    }

    [Fact]
    public void SwitchesThatCallEachOther_AreOneCycle_NamedOnceFromTheFirst()
    {
        var errors = ErrorsOf(SwitchDocument("""
            [
              { "name": "plain", "cases": [], "default": "x" },
              { "name": "b", "cases": [ { "when": "A", "then": "${SWITCH(c,x)}" } ], "default": "${SWITCH(plain,x)}" },
              { "name": "c", "cases": [], "default": "text ${SWITCH(d,y)}" },
              { "name": "d", "cases": [ { "when": "B", "then": "${SWITCH(b,z)}" } ] }
            ]
            """));

        var error = Assert.Single(errors);
        Assert.Equal("switches[1]", error.Path);
        Assert.Equal("switches call each other in a cycle: b → c → d → b", error.Message);
    }

    [Theory]
    [InlineData(8, true)]
    [InlineData(9, false)]
    public void EmbeddedSwitches_NestAtMostEightDeep(int depth, bool accepted)
    {
        var switches = Enumerable.Range(1, depth).Select(i => i < depth
            ? $$"""{ "name": "s{{i}}", "cases": [ { "when": "A", "then": "${SWITCH(s{{i + 1}},rating)}" } ] }"""
            : $$"""{ "name": "s{{i}}", "cases": [], "default": "deepest" }""");
        var compilation = MappingDocument.Compile(SwitchDocument("[" + string.Join(",", switches) + "]"));

        Assert.Equal(accepted, compilation.Succeeded);
        if (!accepted)
        {
            var error = Assert.Single(compilation.Errors);
            Assert.Equal("switches[0]", error.Path);
            Assert.StartsWith("switches nest 9 deep (s1 → s2 → s3 → s4 → s5 → s6 → s7 → s8 → s9); at most 8", error.Message);
        }
    }

    [Fact]
    public void AnUnknownSwitchInASwitch_IsNamedWithItsPath()
    {
        var error = Assert.Single(ErrorsOf(SwitchDocument("""
            [ { "name": "outer", "cases": [], "default": "${SWITCH(inne,rating)}" }, { "name": "inner", "cases": [] } ]
            """)));

        Assert.Equal("switches[0].default", error.Path);
        Assert.Equal("unknown switch 'inne'", error.Message);
        Assert.Equal("did you mean 'inner'?", error.Hint);
    }

    [Theory]
    [InlineData("not json", "")]
    [InlineData("[]", "")]
    [InlineData("""{ "structure": {} }""", "eventTypeMapping")]
    [InlineData("""{ "switches": {}, "eventTypeMapping": { "operationMappings": [ { "eventType": "X", "operation": "GET" } ] } }""", "switches")]
    public void StructuralProblems_AreErrors(string json, string path) =>
        Assert.Contains(ErrorsOf(json), e => e.Path == path);
}
