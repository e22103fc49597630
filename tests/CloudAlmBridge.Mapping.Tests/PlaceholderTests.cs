namespace CloudAlmBridge.Mapping.Tests;

/// <summary>docs/api.md §6: what each placeholder gives, as a whole string and inside text.</summary>
public sealed class PlaceholderTests
{
    public static TheoryData<string, string> Cases => new()
    {
        // A string that is exactly one placeholder keeps the value's JSON type.
        { "\"#{subject}\"", "\"Ping failed to service S4H\"" },
        { "\"#{tags}\"", "{\"type\":\"httpPing\",\"status\":\"DOWN\",\"attempts\":9}" },
        { "\"#{tags.attempts}\"", "9" },
        { "\"#{flag}\"", "true" },
        { "\"#{nothing}\"", "null" },
        { "\"#{missing}\"", "\"\"" },
        { "\"#{tags.missing.deeper}\"", "\"\"" },
        { "\"#{tags.status}\"", "\"DOWN\"" },
        { "\"#{items.1}\"", "\"second\"" },
        { "\"#{items.7}\"", "\"\"" },
        { "\"#{ subject }\"", "\"Ping failed to service S4H\"" },

        // Inside text everything is text: numbers and booleans as JSON writes them, null and missing as nothing.
        { "\"[ALM] #{subject}\"", "\"[ALM] Ping failed to service S4H\"" },
        { "\"n=#{tags.attempts}\"", "\"n=9\"" },
        { "\"f=#{flag}\"", "\"f=true\"" },
        { "\"<#{nothing}>\"", "\"<>\"" },
        { "\"<#{missing}>\"", "\"<>\"" },
        { "\"t=#{tags}\"", "\"t={\\\"type\\\":\\\"httpPing\\\",\\\"status\\\":\\\"DOWN\\\",\\\"attempts\\\":9}\"" },
        { "\"#{rating} - #{subject}: \"", "\"ERROR - Ping failed to service S4H: \"" },

        // Literals are kept as they stand.
        { "42", "42" },
        { "true", "true" },
        { "{\"a\":null}", "{\"a\":null}" },
        { "\"plain text\"", "\"plain text\"" },
        { "[\"#{id}\", 1, false]", "[\"cd0cb7ea\",1,false]" },
        { "{\"a\":{\"b\":[\"#{tags.attempts}\"]}}", "{\"a\":{\"b\":[9]}}" },

        // Escapes write a literal marker.
        { "\"##{subject}\"", "\"#{subject}\"" },
        { "\"$${SWITCH(severity,rating)}\"", "\"${SWITCH(severity,rating)}\"" },
        { "\"a ##{x} b #{id}\"", "\"a #{x} b cd0cb7ea\"" },
        { "\"# { } $ alone\"", "\"# { } $ alone\"" },

        // Values are JSON-escaped when written: quotes, newlines and unicode survive.
        { "\"#{quoted}\"", "\"He said \\\"stop\\\"\\nthen left: Störung ✓\"" },
        { "\"> #{quoted}\"", "\"> He said \\\"stop\\\"\\nthen left: Störung ✓\"" },
        { "\"> #{escaped}\"", "\"> café 😀 tab\\there / back\\\\slash \\r\\b\\f end\"" },
        { "\"#{escaped}\"", "\"café 😀 tab\\there / back\\\\slash \\r\\b\\f end\"" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Template_GivesWhatTheApiSection6Says(string template, string expected) =>
        Assert.Equal(MappingHarness.Normalize(expected), MappingHarness.Evaluate(template));

    [Fact]
    public void Template_WithObjectOfPlaceholders_WritesEachWithItsType()
    {
        var body = MappingHarness.Evaluate("""{ "summary": "#{subject}", "attempts": "#{tags.attempts}", "gone": "#{missing}" }""");

        Assert.Equal("""{"summary":"Ping failed to service S4H","attempts":9,"gone":""}""", body);
    }

    public static TheoryData<string, string> VariableCases => new()
    {
        { "\"#{@USER_VAR(group)}\"", "\"SAP Basis\"" },
        { "\"#{@USER_VAR(undefined)}\"", "\"\"" },
        { "\"g=#{@USER_VAR(group)}\"", "\"g=SAP Basis\"" },
        { "\"#{@CLOUD_ALM_URL}/launchpad\"", "\"https://acme.eu10.alm.cloud.sap/launchpad\"" },
        { "\"#{externalId}\"", "\"c537bae6\"" },
        { "\"#{@CLOUD_ALM_EXTERNAL_ID}\"", "\"c537bae6\"" },
    };

    [Theory]
    [MemberData(nameof(VariableCases))]
    public void Variables_AreTheSubscriptionsValues(string template, string expected)
    {
        var context = MappingHarness.Context(
            userVariables: new() { ["group"] = "SAP Basis" },
            cloudAlmUrl: "https://acme.eu10.alm.cloud.sap",
            externalId: "c537bae6");

        Assert.Equal(MappingHarness.Normalize(expected), MappingHarness.Evaluate(template, context));
    }

    [Fact]
    public void Variables_WithoutValues_AreEmptyText()
    {
        var body = MappingHarness.Evaluate("""["#{@USER_VAR(x)}", "#{@CLOUD_ALM_URL}", "#{externalId}"]""");

        Assert.Equal("""["","",""]""", body);
    }
}
