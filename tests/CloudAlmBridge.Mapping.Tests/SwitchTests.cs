namespace CloudAlmBridge.Mapping.Tests;

/// <summary>docs/api.md §6: <c>${SWITCH(name,attr)}</c> compares text in order, case-sensitively, with null and "" cases.</summary>
public sealed class SwitchTests
{
    public static TheoryData<string, string> Cases => new()
    {
        { "\"${SWITCH(severity,rating)}\"", "\"2\"" },
        { "\"${SWITCH(severity,subject)}\"", "\"3\"" },

        // Case-sensitive: "error" is not "ERROR".
        { "\"${SWITCH(severity,lowerRating)}\"", "\"3\"" },

        // A missing or null attribute matches the null case first, else the "" case.
        { "\"${SWITCH(nullable,missing)}\"", "\"null\"" },
        { "\"${SWITCH(nullable,nothing)}\"", "\"null\"" },
        { "\"${SWITCH(nullable,emptyText)}\"", "\"empty\"" },
        { "\"${SWITCH(emptyOnly,missing)}\"", "\"empty\"" },
        { "\"${SWITCH(emptyOnly,nothing)}\"", "\"empty\"" },

        // A default may hold a placeholder.
        { "\"${SWITCH(nullable,subject)}\"", "\"basis-team\"" },

        // Numbers and booleans compare by their JSON text; then-values keep their type when the switch is the whole string.
        { "\"${SWITCH(typed,count)}\"", "1" },
        { "\"${SWITCH(typed,flag)}\"", "true" },
        { "\"${SWITCH(typed,subject)}\"", "null" },

        // Inside text the result is text.
        { "\"P${SWITCH(severity,rating)} / ${SWITCH(typed,count)}\"", "\"P2 / 1\"" },
        { "\"[${SWITCH(typed,subject)}]\"", "\"[]\"" },
        { "\"${ SWITCH( severity , rating ) }\"", "\"2\"" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Switch_SelectsTheRightCase(string template, string expected) =>
        Assert.Equal(MappingHarness.Normalize(expected), MappingHarness.Evaluate(template));

    [Fact]
    public void Switch_CanCompareAUserVariable()
    {
        var context = MappingHarness.Context(userVariables: new() { ["level"] = "FATAL" });

        Assert.Equal("\"1\"", MappingHarness.Evaluate("\"${SWITCH(severity,@USER_VAR(level))}\"", context));
    }
}
